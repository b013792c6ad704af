import { estimateChatTokens } from '@ply/cost';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Json,
  postJson,
  startTestPlayground,
  type TestPlayground,
} from './ui.test-support.js';

describe('POST /api/estimate', () => {
  let playground: TestPlayground;
  beforeAll(async () => {
    playground = await startTestPlayground();
  });
  afterAll(() => playground.close());
  const estimate = async (body: unknown) => {
    const response = await postJson(`${playground.url}/api/estimate`, body);
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('counts the prompt as OpenAI bills it and prices the worst case within the window', async () => {
    const messages = [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'How many tokens is this prompt?' },
    ] as const;
    const { status, body } = await estimate({
      target: 'simulator:gpt-4o-mini',
      request: { messages, maxOutputTokens: 1000 },
    });
    expect(status).toBe(200);
    const expected = estimateChatTokens({ model: 'gpt-4o-mini', messages: [...messages] });
    expect(body).toMatchObject({
      model: 'gpt-4o-mini',
      promptTokens: expected.tokens,
      exact: true,
      maxOutputTokens: 1000,
      contextWindow: 128_000,
      limitsSource: 'catalogue',
      fits: true,
    });
    expect(body.windowShare).toBeCloseTo((expected.tokens + 1000) / 128_000, 6);
    // gpt-4o-mini: $0.15 per 1M input, $0.60 per 1M output.
    expect(body.worstCase.unpriced).toBe(false);
    expect(body.worstCase.amount).toBeCloseTo((expected.tokens * 0.15 + 1000 * 0.6) / 1e6, 10);
  });

  it('takes the model output bound when the request sets none, and says when a model is unpriced', async () => {
    const priced = await estimate({
      target: 'simulator:gpt-4o-mini',
      request: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(priced.body.maxOutputTokens).toBe(16_384);
    const unpriced = await estimate({
      target: 'simulator:sim-tools',
      request: { messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 10 },
    });
    expect(unpriced.body.worstCase).toMatchObject({
      unpriced: true,
      unpricedReason: 'unknown-model',
    });
    expect(unpriced.body.worstCase.amount).toBeUndefined();
  });

  it('marks tools and schemas as estimates', async () => {
    const { body } = await estimate({
      target: 'simulator:gpt-4o-mini',
      request: {
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
      },
    });
    expect(body.exact).toBe(false);
    expect(body.breakdown.tools).toBeGreaterThan(0);
  });

  it('refuses invalid input with the field', async () => {
    const { status, body } = await estimate({
      target: 'simulator:gpt-4o-mini',
      request: { messages: [] },
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ param: 'request.messages', ply_code: 'invalid_request' });
  });
});
