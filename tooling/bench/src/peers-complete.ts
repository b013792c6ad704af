// Workload 1: the cost of one non-streaming call through ply and through the clients a user
// would pick instead, all against the simulator (in-process fetch, then loopback HTTP),
// sequentially and 64 at a time. A floor row (fetch + JSON.parse, no client) shows the
// simulator's and transport's share, so the clients' own work reads as the distance to it.
// Targets (issue): the full ply stack within 1.10x of the raw SDK, and at least as fast as
// @ai-sdk/openai and @langchain/openai.
import { type Measurement, measureInterleaved, note, printTable, repeat } from './measure.ts';
import { AI_SDK } from './peers/ai-sdk.ts';
import { allPeers } from './peers/all.ts';
import { FETCH_FLOOR, fetchFloorComplete } from './peers/floors.ts';
import { LANGCHAIN } from './peers/langchain.ts';
import { RAW_SDK } from './peers/openai-sdk.ts';
import { PLY_FULL } from './peers/ply.ts';
import { pool } from './peers/pool.ts';
import { inProcess, loopback, staleSocketNote, type Transport } from './peers/transports.ts';
import { ratio, ratiosTo, times, verdict } from './peers/verdicts.ts';

const CONCURRENCY = 64;

interface Caller {
  name: string;
  complete(): Promise<string>;
}

function completeNotes(rows: readonly Measurement[]): void {
  note(`Ratios to the raw openai SDK: ${ratiosTo(rows, RAW_SDK)}.`);
  const floor = rows.find((row) => row.name === FETCH_FLOOR)?.medianUs ?? 0;
  const own = (name: string) =>
    `${((rows.find((row) => row.name === name)?.medianUs ?? 0) - floor).toFixed(1)} µs`;
  note(
    `Over the floor (the simulator's and the transport's share): raw SDK ${own(RAW_SDK)} a call, full ply stack ${own(PLY_FULL)}.`,
  );
  const full = ratio(rows, PLY_FULL, RAW_SDK);
  note(`Full ply stack ${times(full)} raw SDK: target ≤ 1.10x ${verdict(full <= 1.1)}.`);
  const vsAi = ratio(rows, PLY_FULL, AI_SDK);
  const vsLangchain = ratio(rows, PLY_FULL, LANGCHAIN);
  note(
    `Full ply stack ${times(vsAi)} ${AI_SDK} and ${times(vsLangchain)} ${LANGCHAIN}: target ≤ 1.00x of both ${verdict(vsAi <= 1 && vsLangchain <= 1)}.`,
  );
}

async function benchTransport(transport: Transport, smoke: boolean): Promise<void> {
  const callers: Caller[] = [
    { name: FETCH_FLOOR, complete: fetchFloorComplete(transport.target) },
    ...allPeers(transport.target),
  ];
  // A peer that answers nothing would time an error path: check each one really completes.
  for (const caller of callers) {
    const text = await caller.complete();
    if (!text) throw new Error(`${caller.name} completed with no text over ${transport.name}`);
  }
  const calls = smoke ? 50 : 1_000;
  const rounds = smoke ? 1 : 5;
  const modes = [
    { label: 'sequential', run: (call: () => Promise<unknown>) => repeat(calls, call) },
    {
      label: `${CONCURRENCY} in flight`,
      run: (call: () => Promise<unknown>) => pool(calls, CONCURRENCY, call),
    },
  ];
  for (const mode of modes) {
    const rows = await measureInterleaved(
      callers.map((caller) => {
        const calling = mode.run(() => caller.complete());
        return {
          name: caller.name,
          // The simulator logs every request: cleared per run so every case pays the same.
          run: () => {
            transport.log.clear();
            return calling();
          },
        };
      }),
      { rounds, operationsPerRun: calls },
    );
    printTable(
      `peers complete: ${mode.label}, ${transport.name} (gpt-4o-mini echo, ${rounds} × ${calls} calls)`,
      'µs/call',
      rows,
      { baseline: RAW_SDK },
    );
    completeNotes(rows);
    staleSocketNote(transport);
  }
}

export async function benchPeersComplete(smoke: boolean): Promise<void> {
  for (const open of [async () => inProcess(), loopback]) {
    const transport = await open();
    try {
      await benchTransport(transport, smoke);
    } finally {
      await transport.close();
    }
  }
}
