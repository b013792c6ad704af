// What a @ply/cache hit costs against the call it saves (issue 19): the raw openai SDK
// calling a fixed-answer server in a separate process over loopback, against the full
// stack (the client's layers) with the cache outermost answering from memory. A hit does
// no I/O, so its figure is the layers' own work; the ratio says how much of a call it saves.
import { MemoryCacheStore, responseCache } from '@ply/cache';
import { wrapProvider } from '@ply/core';
import { BudgetManager, costTracking, UsageLedger } from '@ply/cost';
import { resilience } from '@ply/resilience';
import { measureInterleaved, note, printTable, repeat } from './measure.ts';
import { separateProcessServer } from './overhead/fixed-answer-transports.ts';
import { openaiSdkPeer, RAW_SDK } from './peers/openai-sdk.ts';
import { COMPLETE_MODEL, COMPLETE_PROMPT } from './peers/peer.ts';
import { pairedRatio, times } from './peers/verdicts.ts';
import { bareProvider } from './ply-stack.ts';

const HIT = 'ply stack, cache hit (memory)';

export async function benchCache(smoke: boolean): Promise<void> {
  const server = await separateProcessServer();
  try {
    const target = { baseURL: server.baseURL, apiKey: 'bench-not-a-key' };
    const sdk = openaiSdkPeer(target);
    const ledger = new UsageLedger({ maxEntries: 1_000 });
    const provider = wrapProvider(
      bareProvider(target),
      responseCache({ store: new MemoryCacheStore({ maxEntries: 1_000 }), ledger }),
      costTracking({
        budget: new BudgetManager({ limits: [{ scope: 'global', limit: 1e7, period: 'total' }] }),
        ledger,
      }),
      resilience(),
    );
    const request = {
      model: COMPLETE_MODEL,
      messages: [{ role: 'user' as const, content: COMPLETE_PROMPT }],
      temperature: 0,
    };
    const first = await provider.complete(request);
    const again = await provider.complete(request);
    if (first.meta.cache || !again.meta.cache?.hit) throw new Error('the second call was no hit');
    const calls = smoke ? 50 : 300;
    const rounds = smoke ? 1 : 31;
    const rows = await measureInterleaved(
      [
        { name: RAW_SDK, run: repeat(calls, () => sdk.complete()) },
        { name: HIT, run: repeat(calls, () => provider.complete(request)) },
      ],
      { rounds, operationsPerRun: calls },
    );
    printTable(
      `cache hit vs the call it saves (${rounds} × ${calls} sequential calls)`,
      'µs/call',
      rows,
      {
        baseline: RAW_SDK,
      },
    );
    note(
      `A hit takes ${times(pairedRatio(rows, HIT, RAW_SDK))} the raw SDK's loopback call (paired).`,
    );
    await provider.dispose();
  } finally {
    await server.close();
  }
}
