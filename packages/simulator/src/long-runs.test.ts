import { createSeededRandom } from '@ply/core';
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EXACT_RUN, runCuts } from './run-cuts.js';
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

  it('echoes a 300 KB run that fits the window, counted in pieces, cached on repeat', async () => {
    const content = 'b'.repeat(300_000);
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

describe('runCuts', () => {
  it('leaves natural text whole, so its count stays exact', () => {
    const prose = 'The quick brown fox jumps over the lazy dog. '.repeat(2_000);
    expect(runCuts(prose)).toEqual([]);
    expect(runCuts(`${'y'.repeat(MAX_EXACT_RUN)} tail`)).toEqual([]);
  });

  it('cuts base64 where the pre-tokenizer splits anyway, so its count is exact', () => {
    const text = `image: ${base64Like(40_000)} end`;
    const cuts = runCuts(text);
    // A split point comes every 32 characters or so: each piece ends at one, within 1,000.
    expect(cuts.length).toBeGreaterThanOrEqual(40);
    expect(cuts.every((cut) => '+/'.includes(text[cut] ?? ''))).toBe(true);
    expect(countText(text, 'o200k_base')).toBe(encoder('o200k_base').encode_ordinary(text).length);
    expect(countText(text, 'cl100k_base')).toBe(
      encoder('cl100k_base').encode_ordinary(text).length,
    );
  });

  it('cuts a run with no split point into short pieces, never inside a surrogate pair', () => {
    // Pieces of 256 until what is left fits whole (1,000 units or fewer).
    const letters = runCuts('x'.repeat(10_000));
    expect(letters.length).toBe(36);
    expect(letters.every((cut, index) => cut === 256 * (index + 1))).toBe(true);

    const emoji = `${'😀'.repeat(5_001)}z`;
    const cuts = runCuts(emoji);
    expect(cuts.length).toBe(36);
    for (const [index, cut] of cuts.entries()) {
      expect(cut - (cuts[index - 1] ?? 0)).toBeLessThanOrEqual(256);
      expect(emoji.charCodeAt(cut)).toBe(0xd83d);
    }
    // The run is the space, the tabs and the space: 3,002 units from offset 1.
    const tabs = Array.from({ length: 8 }, (_, index) => 1 + 256 * (index + 1));
    expect(runCuts(`a ${'\t'.repeat(3_000)} b`)).toEqual(tabs);
  });
});
