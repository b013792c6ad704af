import { parseErrorResponse } from '@ply/response-models';
import OpenAI, { type APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ECHO_PARTIAL_TEXT,
  type KeyEchoingUpstream,
  plantedKey,
  startKeyEchoingUpstream,
} from '../testing/key-echoing-upstream.test-support.js';
import { ssePayloads } from '../ui/ui.test-support.js';
import { type GatewayFixture, startGateway } from './gateway.test-support.js';

let gateway: GatewayFixture;
afterEach(async () => {
  await gateway.close();
});

const USER = [{ role: 'user' as const, content: 'Hello there, simulator.' }];
const LONG = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

function upstreamCalls(): number {
  return gateway.stack.simulator.log.filter('/v1/chat/completions').length;
}

describe('refused before any upstream call', () => {
  it('an unknown provider is a 404 model_not_found, the SDK NotFoundError', async () => {
    gateway = await startGateway();
    const error = await rejection(
      gateway.client().chat.completions.create({ model: 'nowhere:gpt-4o', messages: USER }),
    );
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(upstreamCalls()).toBe(0);
  });

  it('an out-of-range parameter is a BadRequestError naming the wire param', async () => {
    gateway = await startGateway();
    const client = gateway.client();
    const cases: [Record<string, unknown>, string][] = [
      [{ temperature: 7 }, 'temperature'],
      [{ top_p: 3 }, 'top_p'],
      [{ max_completion_tokens: 0 }, 'max_completion_tokens'],
      [{ max_tokens: 0 }, 'max_tokens'],
      [{ top_logprobs: 3 }, 'top_logprobs'],
      [{ reasoning_effort: 'extreme' }, 'reasoning_effort'],
      [{ tool_choice: 'sometimes' }, 'tool_choice'],
      [{ frobnicate: true }, 'frobnicate'],
    ];
    for (const [extra, param] of cases) {
      const error = await rejection(
        client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER, ...extra } as never),
      );
      expect(error, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error, param).toMatchObject({ status: 400, param });
      expect((error as APIError).message).toContain(param);
    }
    expect(upstreamCalls()).toBe(0);
  });

  it('a bad message or tool names its path in the request', async () => {
    gateway = await startGateway();
    const client = gateway.client();
    const cases: [Record<string, unknown>, string][] = [
      [{ messages: [...USER, { role: 'robot', content: 'beep' }] }, 'messages[1].role'],
      [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
      [
        {
          messages: [
            { role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x' } }] },
          ],
        },
        'messages[0].content[0].image_url.url',
      ],
      [
        {
          tools: [
            { type: 'function', function: { name: 'has space', parameters: { type: 'object' } } },
          ],
        },
        'tools[0].function.name',
      ],
      [
        { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'thing' } } }] },
        'tools[0].function.parameters.type',
      ],
      [
        { response_format: { type: 'json_schema', json_schema: { name: 'x' } } },
        'response_format.json_schema.schema',
      ],
      [{ messages: [] }, 'messages'],
    ];
    for (const [extra, param] of cases) {
      const error = await rejection(
        client.chat.completions.create({ model: 'gpt-4o-mini', messages: USER, ...extra } as never),
      );
      expect(error, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error, param).toMatchObject({ status: 400, param });
    }
    expect(upstreamCalls()).toBe(0);
  });

  it('a body over the limit is a 413 naming body; a body that is not JSON a 400', async () => {
    gateway = await startGateway({ maxBodyBytes: 2048 });
    const error = await rejection(
      gateway.client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x'.repeat(4096) }],
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 413, param: 'body' });

    const broken = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(broken.status).toBe(400);
    expect(parseErrorResponse(await broken.json()).error.param).toBe('body');
    expect(upstreamCalls()).toBe(0);
  });
});

describe('upstream failures', () => {
  it('a 429 rate limit is retried by ply, so the client sees success', async () => {
    gateway = await startGateway();
    gateway.stack.simulator.faults.enqueue({ kind: 'rate-limit', retryAfterMs: 20 });
    const completion = await gateway.client().chat.completions.create({
      model: 'simulator:gpt-4o-mini',
      messages: USER,
    });
    expect(completion.choices[0]?.message.content).toBe(USER[0]?.content);
    const attempts = gateway.stack.simulator.log.entries;
    expect(attempts.map((entry) => entry.status)).toEqual([429, 200]);
    // One logical call: both attempts carry the same idempotency key.
    expect(attempts[0]?.idempotencyKey).toBeDefined();
    expect(attempts[1]?.idempotencyKey).toBe(attempts[0]?.idempotencyKey);
  });

  it('an exhausted quota reaches the client as 429 insufficient_quota, which it does not retry', async () => {
    gateway = await startGateway();
    gateway.stack.simulator.faults.enqueue({ kind: 'quota' });
    const error = await rejection(
      gateway.client({ maxRetries: 2 }).chat.completions.create({
        model: 'simulator:gpt-4o-mini',
        messages: USER,
      }),
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'insufficient_quota' });
    const headers = (error as APIError).headers;
    expect(headers?.get('x-should-retry')).toBe('false');
    expect(headers?.get('x-upstream-request-id')).toBe(
      gateway.stack.simulator.log.entries[0]?.requestId,
    );
    expect(gateway.stack.simulator.log.entries).toHaveLength(1);
  });

  it('a stream that fails before its first chunk gets a status and an error envelope', async () => {
    gateway = await startGateway();
    gateway.stack.simulator.faults.enqueue({ kind: 'quota' });
    const response = await gateway.post('/chat/completions', {
      model: 'simulator:gpt-4o-mini',
      messages: USER,
      stream: true,
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = parseErrorResponse(await response.json());
    expect(body.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
  });

  it('a stream that fails after chunks were sent ends with an error event', async () => {
    gateway = await startGateway();
    gateway.stack.simulator.faults.enqueue({ kind: 'reset-after-chunks', chunks: 4 });
    const response = await gateway.post('/chat/completions', {
      model: 'simulator:gpt-4o-mini',
      messages: [{ role: 'user', content: LONG }],
      stream: true,
    });
    expect(response.status).toBe(200);
    const payloads = ssePayloads(await response.text());
    expect(payloads).not.toContain('[DONE]');
    const last = JSON.parse(payloads.at(-1) ?? '{}');
    expect(last.error).toMatchObject({ type: 'server_error', ply_code: 'stream_interrupted' });
    const text = payloads
      .slice(0, -1)
      .map((payload) => JSON.parse(payload).choices[0]?.delta.content ?? '')
      .join('');
    expect(text.length).toBeGreaterThan(0);
    expect(LONG.startsWith(text)).toBe(true);
    // Committed output is never replayed: one upstream attempt.
    expect(upstreamCalls()).toBe(1);

    // The SDK raises the error event as an APIError in the middle of its iteration.
    gateway.stack.simulator.faults.enqueue({ kind: 'reset-after-chunks', chunks: 4 });
    const stream = await gateway.client().chat.completions.create({
      model: 'simulator:gpt-4o-mini',
      messages: [{ role: 'user', content: LONG }],
      stream: true,
    });
    const error = await rejection(
      (async () => {
        for await (const _chunk of stream) {
          // read on until it breaks
        }
      })(),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
  });

  it('a client that disconnects mid-stream aborts the upstream call', async () => {
    gateway = await startGateway();
    // Without an abort, this stream would hang for ten minutes after its third chunk.
    gateway.stack.simulator.faults.enqueue({ kind: 'stall', ms: 600_000, afterChunks: 3 });
    const controller = new AbortController();
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'simulator:gpt-4o-mini', messages: USER, stream: true }),
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('"role":"assistant"');
    controller.abort();

    // The aborted stream settles in the ledger with its usage estimated from what was sent.
    await vi.waitFor(
      () => {
        const entries = gateway.stack.ledger.entries();
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({ stream: true, estimated: true });
      },
      { timeout: 4_000, interval: 20 },
    );
  });
});

describe('an upstream that quotes the key back', () => {
  const key = plantedKey();
  let echo: KeyEchoingUpstream;
  beforeAll(async () => {
    echo = await startKeyEchoingUpstream();
  });
  afterAll(() => echo.close());
  const startWithEcho = () =>
    startGateway({
      config: {
        providers: [
          { id: 'simulator', kind: 'simulator' },
          { id: 'echo', kind: 'openai', apiKey: key, baseURL: echo.url },
        ],
      },
    });

  it('a plain call fails with the typed code in its envelope, the key masked', async () => {
    gateway = await startWithEcho();
    const response = await gateway.post('/chat/completions', {
      model: 'echo:gpt-4o-mini',
      messages: USER,
    });
    const text = await response.text();
    expect(echo.keysSeen).toContain(key);
    expect(response.status).toBe(401);
    const { error } = parseErrorResponse(JSON.parse(text));
    expect(error).toMatchObject({ code: 'invalid_api_key', ply_code: 'authentication' });
    expect(error.message).toContain('Incorrect API key provided: [redacted]');
    expect(text).not.toContain(key);
  });

  it('a stream ends with an error event carrying the typed code, the key masked', async () => {
    gateway = await startWithEcho();
    const response = await gateway.post('/chat/completions', {
      model: 'echo:gpt-4o-mini',
      messages: USER,
      stream: true,
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(echo.keysSeen).toContain(key);
    const payloads = ssePayloads(text).map((payload) => JSON.parse(payload));
    expect(payloads[0]?.choices[0]?.delta.content).toBe(ECHO_PARTIAL_TEXT);
    expect(payloads.at(-1)?.error).toMatchObject({
      type: 'server_error',
      ply_code: 'stream_interrupted',
    });
    expect(payloads.at(-1)?.error.message).toContain('[redacted]');
    expect(text).not.toContain(key);
  });
});

describe('routes', () => {
  it('an unknown /v1 path is a 404 and a wrong method a 405, both as envelopes', async () => {
    gateway = await startGateway();
    const missing = await gateway.post('/completions/legacy', {});
    expect(missing.status).toBe(404);
    expect(parseErrorResponse(await missing.json()).error.message).toBe(
      'Invalid URL (POST /v1/completions/legacy)',
    );

    const wrong = await fetch(`${gateway.baseURL}/chat/completions`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(parseErrorResponse(await wrong.json()).error.type).toBe('invalid_request_error');

    const deleteModel = await fetch(`${gateway.baseURL}/models/simulator:gpt-4o`, {
      method: 'DELETE',
    });
    expect(deleteModel.status).toBe(405);
    expect(deleteModel.headers.get('allow')).toBe('GET');
  });
});
