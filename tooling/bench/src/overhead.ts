// The full ply stack against the raw openai SDK where nothing else takes time: answers of
// fixed bytes, from a server in a separate process over loopback HTTP (so its work does not
// dilute the ratios) and from a fetch that never leaves the process (what remains is the
// clients' own work). Per call, sequential and 64 in flight; per chunk, 200 streams read
// at once. Ratios are taken round by round (rounds interleave the clients). Targets
// (issue 16): the full stack ≤ 1.10x the raw SDK per call, ≤ 1.00x per chunk.
import { type Measurement, measureInterleaved, note, printTable, repeat } from './measure.ts';
import {
  type FixedAnswerTransport,
  fakeFetch,
  separateProcessServer,
} from './overhead/fixed-answer-transports.ts';
import { STREAM_CHUNKS } from './overhead/fixed-answers.ts';
import { openaiSdkPeer, RAW_SDK } from './peers/openai-sdk.ts';
import type { Peer } from './peers/peer.ts';
import { PLY_BARE, PLY_FULL, plyBarePeer, plyFullPeer } from './peers/ply.ts';
import { pool } from './peers/pool.ts';
import { pairedRatio, times, verdict } from './peers/verdicts.ts';

const IN_FLIGHT = 64;
const STREAMS = 200;

function peersOn(transport: FixedAnswerTransport): Peer[] {
  const target = {
    baseURL: transport.baseURL,
    apiKey: 'bench-not-a-key',
    ...(transport.fetch ? { fetch: transport.fetch } : {}),
  };
  return [openaiSdkPeer(target), plyBarePeer(target), plyFullPeer(target)];
}

/** Each row with its ratio to the raw SDK taken round by round, the figure the verdicts use. */
function withPairedRatios(rows: Measurement[]) {
  return rows.map((row) => ({
    ...row,
    extra: { 'paired ratio': times(pairedRatio(rows, row.name, RAW_SDK)) },
  }));
}

/** "a 1.02x, b 1.30x": every ply row as its paired ratio to the raw SDK. */
function pairedRatios(rows: Measurement[]): string {
  return [PLY_BARE, PLY_FULL]
    .map((name) => `${name} ${times(pairedRatio(rows, name, RAW_SDK))}`)
    .join(', ');
}

async function perCall(transport: FixedAnswerTransport, peers: Peer[], smoke: boolean) {
  // Many short rounds: a shared machine's speed drifts within seconds, and the ratios are
  // taken round by round.
  const calls = smoke ? 50 : 300;
  const rounds = smoke ? 1 : 31;
  for (const mode of [
    { label: 'sequential', run: (call: () => Promise<unknown>) => repeat(calls, call) },
    {
      label: `${IN_FLIGHT} in flight`,
      run: (call: () => Promise<unknown>) => pool(calls, IN_FLIGHT, call),
    },
  ]) {
    const rows = await measureInterleaved(
      peers.map((peer) => ({ name: peer.name, run: mode.run(() => peer.complete()) })),
      { rounds, operationsPerRun: calls },
    );
    printTable(
      `overhead per call: ${mode.label}, ${transport.name} (${rounds} × ${calls} calls)`,
      'µs/call',
      withPairedRatios(rows),
      { baseline: RAW_SDK },
    );
    const full = pairedRatio(rows, PLY_FULL, RAW_SDK);
    note(`Paired ratios to the raw openai SDK: ${pairedRatios(rows)}.`);
    note(
      `${PLY_FULL} ${times(full)} the raw SDK per call: target ≤ 1.10x ${verdict(full <= 1.1)}.`,
    );
  }
}

async function perChunk(transport: FixedAnswerTransport, peers: Peer[], smoke: boolean) {
  const streams = smoke ? 10 : STREAMS;
  const rounds = smoke ? 1 : 11;
  const chunks = streams * STREAM_CHUNKS;
  const counts = new Map<string, number>();
  const rows = await measureInterleaved(
    peers.map((peer) => ({
      name: peer.name,
      run: async () => {
        let read = 0;
        await Promise.all(
          Array.from({ length: streams }, () =>
            peer.stream('Write on.', () => {
              read++;
            }),
          ),
        );
        counts.set(peer.name, read);
      },
    })),
    { rounds, operationsPerRun: chunks },
  );
  printTable(
    `overhead per chunk: ${streams} streams of ${STREAM_CHUNKS} chunks at once, ${transport.name} (${rounds} rounds)`,
    'µs/chunk',
    withPairedRatios(rows),
    { baseline: RAW_SDK },
  );
  const short = [...counts].filter(([, read]) => read !== chunks).map(([name]) => name);
  if (short.length > 0) note(`NOT the same stream: ${short.join(', ')} read other chunk counts.`);
  const full = pairedRatio(rows, PLY_FULL, RAW_SDK);
  note(`Paired ratios to the raw openai SDK: ${pairedRatios(rows)}.`);
  note(`${PLY_FULL} ${times(full)} the raw SDK per chunk: target ≤ 1.00x ${verdict(full <= 1)}.`);
  const bare = pairedRatio(rows, PLY_BARE, RAW_SDK);
  note(`${PLY_BARE} ${times(bare)}: what the layers above the adapter add is the difference.`);
}

export async function benchOverhead(smoke: boolean): Promise<void> {
  for (const open of [separateProcessServer, async () => fakeFetch()]) {
    const transport = await open();
    try {
      const peers = peersOn(transport);
      // A peer that answers nothing would time an error path: each must really answer.
      for (const peer of peers) {
        if (!(await peer.complete())) throw new Error(`${peer.name} answered nothing`);
      }
      await perCall(transport, peers, smoke);
      await perChunk(transport, peers, smoke);
    } finally {
      await transport.close();
    }
  }
}
