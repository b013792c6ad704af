// Cost of @ply/provider-openai over the raw openai SDK it is built on, both talking to the
// same in-process simulator fetch (no sockets): per-call time of a non-streaming call, and
// per-chunk time of a long stream. Targets (issue): complete within 1.10x of the raw SDK,
// streams at least as fast.
import { OpenAIProvider } from '@ply/provider-openai';
import { createSimulator } from '@ply/simulator';
import OpenAI from 'openai';
import { type Measurement, measureInterleaved, printTable, repeat } from './measure.ts';

const BASE_URL = 'http://sim.invalid/v1';
const API_KEY = 'bench-key';

function ratioLine(label: string, rows: Measurement[], target: string): void {
  const [raw, adapter] = rows;
  if (!raw || !adapter) return;
  const ratio = adapter.medianUs / raw.medianUs;
  const extra = adapter.medianUs - raw.medianUs;
  console.log(
    `\n${label}: adapter/raw = ${ratio.toFixed(3)}x (${extra >= 0 ? '+' : ''}${extra.toFixed(2)} µs); target ${target}`,
  );
}

export async function benchProviderOpenAI(smoke: boolean): Promise<void> {
  // One simulator for both clients; limits raised so that no call is ever refused.
  const sim = createSimulator({ rateLimits: { rpm: 1e9, tpm: 1e12 } });
  const raw = new OpenAI({ apiKey: API_KEY, baseURL: BASE_URL, fetch: sim.fetch, maxRetries: 0 });
  const provider = new OpenAIProvider({ apiKey: API_KEY, baseURL: BASE_URL, fetch: sim.fetch });
  // The log keeps every request; cleared per run so both sides pay the same.
  const fresh =
    <T>(run: () => Promise<T>) =>
    () => {
      sim.log.clear();
      return run();
    };

  // (a) Sequential non-streaming calls: the answer is short, so the adapter's share shows.
  const calls = smoke ? 50 : 1_000;
  const messages = [{ role: 'user' as const, content: 'How fast is the stack?' }];
  const completeRows = await measureInterleaved(
    [
      {
        name: 'raw openai SDK chat.completions.create',
        run: fresh(
          repeat(calls, () => raw.chat.completions.create({ model: 'gpt-4o-mini', messages })),
        ),
      },
      {
        name: 'OpenAIProvider.complete',
        run: fresh(repeat(calls, () => provider.complete({ model: 'gpt-4o-mini', messages }))),
      },
    ],
    { rounds: smoke ? 2 : 31, operationsPerRun: calls },
  );
  printTable(
    `provider-openai complete vs raw SDK (${calls} sequential gpt-4o-mini calls per round, in-process simulator)`,
    'µs/call',
    completeRows,
  );
  ratioLine('complete', completeRows, '≤ 1.10x');

  // (b) One long streamed answer: sim-lorem writes the words asked for, one token a chunk.
  const words = smoke ? 200 : 2_000;
  const long = [{ role: 'user' as const, content: `write ${words} words` }];
  const streamsPerRound = smoke ? 1 : 10;
  const rawStream = async (): Promise<number> => {
    const stream = await raw.chat.completions.create({
      model: 'sim-lorem',
      messages: long,
      stream: true,
      // What the adapter asks for too, so both read the same chunks.
      stream_options: { include_usage: true },
    });
    let chunks = 0;
    for await (const _chunk of stream) chunks++;
    return chunks;
  };
  const adapterStream = async (): Promise<number> => {
    let events = 0;
    for await (const _event of provider.stream({ model: 'sim-lorem', messages: long })) events++;
    return events;
  };
  // Chunks on the wire (role, one per token, finish, usage), counted once through the SDK.
  const chunks = await rawStream();
  const streamRows = await measureInterleaved(
    [
      {
        name: 'raw openai SDK stream: true, for await chunks',
        run: fresh(repeat(streamsPerRound, rawStream)),
      },
      {
        name: 'OpenAIProvider.stream, for await events',
        run: fresh(repeat(streamsPerRound, adapterStream)),
      },
    ],
    { rounds: smoke ? 2 : 9, operationsPerRun: chunks * streamsPerRound },
  );
  printTable(
    `provider-openai stream vs raw SDK (sim-lorem, ${words} words = ${chunks} chunks a stream, ${streamsPerRound} streams per round)`,
    'µs/chunk',
    streamRows,
  );
  for (const row of streamRows) {
    console.log(`- ${row.name}: ${Math.round(1e6 / row.medianUs).toLocaleString('en')} chunks/s`);
  }
  ratioLine('stream', streamRows, '≤ 1.00x (at least as fast as raw)');
}
