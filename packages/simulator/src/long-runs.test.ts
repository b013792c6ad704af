import { createSeededRandom } from '@ply/core';
import { longRunCuts, MAX_RUN_BYTES } from '@ply/core/internals';
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './server.js';
import { countText, encoder } from './tokens.js';

let running: RunningSimulator;
let client: OpenAI;

beforeAll(async () => {
  running = await startSimulator({ port: 0 });
  client = new OpenAI({ apiKey: 'test-key', baseURL: running.url, maxRetries: 0 });
});
afterAll(() => running.close());

/** Deterministic base64-alphabet text: letters and digits broken by `+` and `/`. */
function base64Like(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const random = createSeededRandom(7);
  return Array.from({ length }, () => alphabet[Math.floor(random.next() * 64)]).join('');
}

describe('unbroken runs the WASM encoder cannot take whole', () => {
  it('answers a 20 MB run of one letter with a typed 400 naming messages, not a crash', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a'.repeat(20e6) }] })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).code).toBe('context_length_exceeded');
    expect((error as APIError).param).toBe('messages');
  });

  it('answers a 2 MB run in an embeddings input with a typed 400 naming input', async () => {
    const error = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: ['short', 'x'.repeat(2e6)] })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).code).toBe('context_length_exceeded');
    expect((error as APIError).param).toBe('input');
  });

  it('echoes a 60 KB run within the output limit, counted in pieces, cached on repeat', async () => {
    // 15,000 tokens: under gpt-4o-mini's 16,384 output tokens, so the echo comes back whole.
    const content = 'b'.repeat(60_000);
    const ask = () =>
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content }],
      });
    const first = await ask();
    expect(first.choices[0]?.message.content).toBe(content);
    expect(first.usage?.completion_tokens).toBe(countText(content, 'o200k_base'));
    const second = await ask();
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
  });
});

// Where the cuts go is core's `longRunCuts` (tested there); here, what the simulator bills.
describe('counting a long run in pieces', () => {
  const whole = (text: string) => encoder('o200k_base').encode_ordinary(text).length;

  it('leaves natural text whole, so its count stays exact', () => {
    const prose = 'The quick brown fox jumps over the lazy dog. '.repeat(2_000);
    expect(longRunCuts(prose)).toBeUndefined();
    expect(countText(prose, 'o200k_base')).toBe(whole(prose));
    const atLimit = `${'y'.repeat(MAX_RUN_BYTES)} tail`;
    expect(countText(atLimit, 'o200k_base')).toBe(whole(atLimit));
  });

  it('counts base64 exactly: it is cut only where the pre-tokenizer splits anyway', () => {
    const text = `image: ${base64Like(40_000)} end`;
    expect(longRunCuts(text)?.cuts.length).toBeGreaterThanOrEqual(40);
    expect(countText(text, 'o200k_base')).toBe(whole(text));
    expect(countText(text, 'cl100k_base')).toBe(
      encoder('cl100k_base').encode_ordinary(text).length,
    );
  });

  it('counts a run with no split point within a token per piece', () => {
    for (const text of [
      'x'.repeat(10_000),
      `${'😀'.repeat(5_001)}z`,
      `a ${'\t'.repeat(3_000)} b`,
    ]) {
      const cuts = longRunCuts(text)?.cuts.length ?? 0;
      expect(cuts).toBeGreaterThan(0);
      expect(Math.abs(countText(text, 'o200k_base') - whole(text))).toBeLessThanOrEqual(cuts);
    }
  });
});
