// With no max_tokens the API still stops: at the model's output limit, or at what is left
// of the context window after the prompt, whichever comes first.
import { defaultCatalogue } from '@ply/models';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './server.js';

let running: RunningSimulator;
let client: OpenAI;

beforeAll(async () => {
  running = await startSimulator({ port: 0 });
  client = new OpenAI({ apiKey: 'test-key', baseURL: running.url, maxRetries: 0 });
});
afterAll(() => running.close());

/** An echo model answers with the last user message: `words` words, about as many tokens. */
const echoOf = (model: string, words: number, stream = false) =>
  client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'word '.repeat(words) }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);

describe('output without max_tokens', () => {
  it("stops at the catalogue's max output tokens of a real model", async () => {
    const limit = defaultCatalogue.resolve('gpt-4o-mini')?.maxOutputTokens;
    expect(limit).toBeGreaterThan(0);
    const completion = await echoOf('gpt-4o-mini', (limit ?? 0) + 2_000);
    expect(completion.usage?.completion_tokens).toBe(limit);
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  it("stops at a simulated model's max output tokens", async () => {
    // sim-small: a 4,096-token window and 1,024 tokens of output at most.
    const completion = await echoOf('sim-small', 2_000);
    expect(completion.usage?.completion_tokens).toBe(1_024);
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  it('stops at what is left of the context window after the prompt', async () => {
    const completion = await echoOf('sim-small', 3_500);
    const prompt = completion.usage?.prompt_tokens ?? 0;
    expect(4_096 - prompt).toBeLessThan(1_024);
    expect(completion.usage?.completion_tokens).toBe(4_096 - prompt);
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  it('caps a stream the same way', async () => {
    const stream = (await echoOf(
      'sim-small',
      2_000,
      true,
    )) as unknown as AsyncIterable<OpenAI.Chat.ChatCompletionChunk>;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      usage = chunk.usage ?? usage;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(usage?.completion_tokens).toBe(1_024);
    expect(finish).toBe('length');
  });

  it('leaves a short answer whole', async () => {
    const completion = await echoOf('sim-small', 10);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });
});
