import { parseErrorResponse } from '@ply/response-models';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './gateway.test-support.js';

let gateway: GatewayFixture;
afterEach(async () => {
  await gateway.close();
});

const USER = [{ role: 'user' as const, content: 'Hello there, simulator.' }];

describe("the gateway's rate-limit refusals", () => {
  it('label a token refusal a tokens limit', async () => {
    // 400 tokens a minute: one call reserving 300 output tokens leaves no room for another.
    gateway = await startGateway({ config: { rateLimits: { rpm: 1_000, tpm: 400 } } });
    gateway.stack.simulator.faults.enqueue({ kind: 'stall', ms: 600_000, afterChunks: 2 });
    const holder = new AbortController();
    const first = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'simulator:gpt-4o-mini',
        messages: USER,
        max_completion_tokens: 300,
        stream: true,
      }),
      signal: holder.signal,
    });
    // Its first chunk is here, so its tokens are reserved (and held: the stream stalls).
    expect(first.status).toBe(200);
    await first.body?.getReader().read();

    const refused = await gateway.post('/chat/completions', {
      model: 'simulator:gpt-4o-mini',
      messages: USER,
      max_completion_tokens: 300,
    });
    holder.abort();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-should-retry')).toBe('true');
    const { error } = parseErrorResponse(await refused.json());
    // The type is the dimension the limiter's refusal names, as OpenAI's own 429s say it.
    expect(error).toMatchObject({
      type: 'tokens',
      code: 'rate_limit_exceeded',
      ply_code: 'rate_limit_wait_exceeded',
    });
  });
});
