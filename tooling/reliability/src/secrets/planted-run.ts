// One run of every call a user can make, through every layer, against the key-echoing
// upstream and the simulator, with every output kept for the search.
import type { ChatRequest, Provider } from '@ply/core';
import { createAzureOpenAIProvider, OpenAIProvider } from '@ply/provider-openai';
import { recordingFetch, startSimulator } from '@ply/simulator';
import { fullStack } from './full-stack.ts';
import { ECHO_MODES, type KeyEchoingUpstream } from './key-echoing-upstream.ts';
import type { OutputSink } from './output-sink.ts';

const ask = (model: string): ChatRequest => ({
  model,
  messages: [{ role: 'user', content: 'Say hello' }],
  maxOutputTokens: 16,
});

/** Each call of the provider interface; failures logged as a user would, and kept. */
async function exercise(sink: OutputSink, label: string, provider: Provider, model: string) {
  const record = async (call: string, run: () => Promise<unknown>) => {
    try {
      const value = await run();
      sink.add(`${label} ${call} result`, value);
      sink.add(`${label} ${call} result json`, JSON.stringify(value));
    } catch (error) {
      sink.addError(`${label} ${call}`, error);
      console.error(error);
    }
  };
  await record('complete', () => provider.complete(ask(model)));
  await record('stream', async () => {
    const stream = provider.stream(ask(model));
    const events: unknown[] = [];
    try {
      for await (const event of stream) events.push(event);
    } finally {
      sink.add(`${label} stream events`, events);
    }
    return stream.result;
  });
  await record('embed', () => provider.embed({ model, input: ['hello'] }));
  await record('listModels', () => provider.listModels());
}

function adapters(key: string, upstream: string, fetch?: typeof globalThis.fetch) {
  const origin = new URL(upstream).origin;
  return {
    openai: new OpenAIProvider({ apiKey: key, baseURL: upstream, ...(fetch ? { fetch } : {}) }),
    azure: createAzureOpenAIProvider({
      apiKey: key,
      endpoint: origin,
      apiVersion: '2024-10-21',
      ...(fetch ? { fetch } : {}),
    }),
  };
}

/** The key-echoing upstream in every mode, bare adapters and the full stack, recorded. */
export async function runAgainstEchoingUpstream(
  sink: OutputSink,
  upstream: KeyEchoingUpstream,
  key: string,
) {
  const recording = recordingFetch();
  const bare = adapters(key, upstream.url, recording.fetch);
  const stack = fullStack(adapters(key, upstream.url), key);
  for (const mode of ECHO_MODES) {
    for (const [id, provider] of Object.entries(bare)) {
      await exercise(sink, `${id} ${mode}`, provider, mode);
      await exercise(
        sink,
        `stack ${id} ${mode}`,
        stack.registry.resolve(`${id}:${mode}`).provider,
        mode,
      );
    }
  }
  sink.add('events', stack.events);
  sink.add('ledger csv', stack.ledger.toCSV());
  sink.add('ledger jsonl', stack.ledger.toJSONL());
  sink.add('cassette', JSON.stringify(recording.cassette()));
  await stack.registry.dispose();
}

/** The simulator: the happy path, then each fault once, with the key in every request. */
export async function runAgainstSimulator(sink: OutputSink, key: string) {
  const simulator = await startSimulator();
  const recording = recordingFetch();
  try {
    const bare = new OpenAIProvider({
      apiKey: key,
      baseURL: simulator.url,
      fetch: recording.fetch,
    });
    const stack = fullStack(
      { sim: new OpenAIProvider({ apiKey: key, baseURL: simulator.url }) },
      key,
    );
    const faults = simulator.simulator.faults;
    for (const fault of [
      undefined,
      { kind: 'server-error' },
      { kind: 'rate-limit', retryAfterMs: 1 },
      { kind: 'quota' },
      { kind: 'reset-before-headers' },
      { kind: 'error-event', afterChunks: 1 },
      { kind: 'malformed-chunk', afterChunks: 1 },
      { kind: 'reset-after-chunks', chunks: 1 },
    ] as const) {
      faults.clear();
      if (fault) faults.addRule({}, fault);
      const label = fault?.kind ?? 'happy';
      await exercise(sink, `sim ${label}`, bare, 'gpt-4o-mini');
      await exercise(
        sink,
        `stack sim ${label}`,
        stack.registry.resolve('sim:gpt-4o-mini').provider,
        'gpt-4o-mini',
      );
    }
    sink.add('sim events', stack.events);
    sink.add('sim ledger csv', stack.ledger.toCSV());
    sink.add('sim ledger jsonl', stack.ledger.toJSONL());
    sink.add('sim cassette', JSON.stringify(recording.cassette()));
    await stack.registry.dispose();
  } finally {
    await simulator.close();
  }
}
