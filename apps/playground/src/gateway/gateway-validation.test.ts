import { parseErrorResponse } from '@ply/response-models';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './gateway.test-support.js';

// Fields the gateway once let through with a 200, each refused now before any upstream
// call with OpenAI's 400 envelope naming the param.

let gateway: GatewayFixture;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway.close();
});

const USER = [{ role: 'user' as const, content: 'Hello there, simulator.' }];

function upstreamCalls(): number {
  return gateway.stack.simulator.log.filter('/v1/chat/completions').length;
}

/** Posts `extra` on a valid body and expects OpenAI's 400 naming `param`. */
async function expectRefused(extra: Record<string, unknown>, param: string): Promise<void> {
  const before = upstreamCalls();
  const response = await gateway.post('/chat/completions', {
    model: 'simulator:gpt-4o-mini',
    messages: USER,
    ...extra,
  });
  const label = `${JSON.stringify(extra).slice(0, 80)} → ${param}`;
  expect(response.status, label).toBe(400);
  const body = (await response.json()) as { error: Record<string, unknown> };
  const { error } = parseErrorResponse(body);
  expect(error, label).toMatchObject({ type: 'invalid_request_error', param });
  expect(Object.keys(body.error), label).toEqual(expect.arrayContaining(['message', 'code']));
  expect(error.message, label).toContain(param);
  expect(upstreamCalls(), label).toBe(before);
}

async function expectAccepted(extra: Record<string, unknown>): Promise<void> {
  const response = await gateway.post('/chat/completions', {
    model: 'simulator:gpt-4o-mini',
    messages: USER,
    ...extra,
  });
  expect(response.status, JSON.stringify(extra)).toBe(200);
  await response.text();
}

describe('max_tokens beside max_completion_tokens', () => {
  it('checks both, though the newer one wins', async () => {
    await expectRefused({ max_tokens: 'str', max_completion_tokens: 10 }, 'max_tokens');
    await expectRefused({ max_tokens: 10, max_completion_tokens: 'str' }, 'max_completion_tokens');
    await expectRefused({ max_tokens: 0, max_completion_tokens: 10 }, 'max_tokens');
    await expectRefused({ max_tokens: 1.5, max_completion_tokens: 10 }, 'max_tokens');
    await expectAccepted({ max_tokens: 5, max_completion_tokens: 10 });
  });
});

describe('metadata', () => {
  it('must be an object of at most 16 string values with short keys', async () => {
    await expectRefused({ metadata: 5 }, 'metadata');
    await expectRefused({ metadata: 'tags' }, 'metadata');
    await expectRefused({ metadata: ['a'] }, 'metadata');
    await expectRefused({ metadata: { team: 7 } }, 'metadata.team');
    await expectRefused({ metadata: { team: { nested: 'x' } } }, 'metadata.team');
    await expectRefused({ metadata: { team: 'x'.repeat(513) } }, 'metadata.team');
    await expectRefused({ metadata: { ['k'.repeat(65)]: 'x' } }, 'metadata');
    const seventeen = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    await expectRefused({ metadata: seventeen }, 'metadata');
  });

  it('passes a valid one on', async () => {
    const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v']));
    await expectAccepted({ metadata: sixteen });
    await expectAccepted({ metadata: { ['k'.repeat(64)]: 'x'.repeat(512) } });
    await expectAccepted({ metadata: null });
  });
});

describe('stream_options', () => {
  it('must be an object of the booleans OpenAI defines', async () => {
    const stream = { stream: true };
    await expectRefused({ ...stream, stream_options: 'yes' }, 'stream_options');
    await expectRefused({ ...stream, stream_options: [] }, 'stream_options');
    await expectRefused({ ...stream, stream_options: 1 }, 'stream_options');
    await expectRefused(
      { ...stream, stream_options: { include_usage: 'yes' } },
      'stream_options.include_usage',
    );
    await expectRefused(
      { ...stream, stream_options: { include_obfuscation: 1 } },
      'stream_options.include_obfuscation',
    );
    await expectRefused({ ...stream, stream_options: { verbose: true } }, 'stream_options.verbose');
    await expectRefused({ stream_options: { include_usage: true } }, 'stream_options');
  });

  it('accepts both of its fields', async () => {
    await expectAccepted({
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
    });
  });
});

describe('seed', () => {
  it('must be a safe integer', async () => {
    await expectRefused({ seed: 1e308 }, 'seed');
    await expectRefused({ seed: 2 ** 53 }, 'seed');
    await expectRefused({ seed: 1.5 }, 'seed');
    await expectAccepted({ seed: -7 });
    await expectAccepted({ seed: Number.MAX_SAFE_INTEGER });
  });

  it('reaches the official SDK as a BadRequestError naming seed', async () => {
    const error = await gateway
      .client()
      .chat.completions.create({ model: 'simulator:gpt-4o-mini', messages: USER, seed: 1e308 })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'seed', type: 'invalid_request_error' });
  });
});
