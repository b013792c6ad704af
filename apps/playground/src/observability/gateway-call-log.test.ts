import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from '../gateway/gateway.test-support.js';
import {
  plantedKey,
  startKeyEchoingUpstream,
} from '../testing/key-echoing-upstream.test-support.js';
import type { Json } from '../ui/ui.test-support.js';
import { CallLog } from './call-log.js';
import type { CallOutcome } from './call-outcome.js';
import { LogCapture } from './observability.test-support.js';

let gateway: GatewayFixture | undefined;
let log: LogCapture;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(config: Parameters<typeof startGateway>[0] = {}): Promise<GatewayFixture> {
  log = new LogCapture();
  gateway = await startGateway({ ...config, logTo: log });
  return gateway;
}

const MODEL = 'simulator:gpt-4o-mini';
const PROMPT = 'A prompt the log must never repeat: periwinkle marmalade.';
const USER = [{ role: 'user' as const, content: PROMPT }];
const LONG = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');

describe('the gateway call log', () => {
  it('writes one JSON line per call, with its ids, model, status, tokens, cost, timing and attempts', async () => {
    const gateway = await start();
    const response = await gateway.post('/chat/completions', { model: MODEL, messages: USER });
    const body: Json = await response.json();
    const [line] = await log.settled(1);
    const upstream = gateway.stack.simulator.log.filter('/v1/chat/completions')[0];
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      msg: 'gateway call',
      requestId: response.headers.get('x-request-id'),
      upstreamRequestId: upstream?.requestId,
      route: 'chat',
      modelRequested: MODEL,
      model: body.model,
      status: 200,
      stream: false,
      tokens: {
        input: body.usage.prompt_tokens,
        output: body.usage.completion_tokens,
        cachedInput: 0,
        estimated: false,
      },
      costUsd: gateway.stack.ledger.entries()[0]?.cost.amount,
      latencyMs: expect.any(Number),
      ttftMs: null,
      attempts: 1,
      retries: 0,
      cache: 'none',
      errorCode: null,
    });
    expect(line.costUsd).toBeGreaterThan(0);
    expect(response.headers.get('x-upstream-request-id')).toBe(line.upstreamRequestId);
    // Never the prompt, nor the completion (the simulator echoes the prompt).
    expect(log.text.join('')).not.toContain('periwinkle');
  });

  it('logs a stream when it ends, with its time to first token', async () => {
    const gateway = await start();
    const response = await gateway.post('/chat/completions', {
      model: MODEL,
      messages: USER,
      stream: true,
    });
    await response.text();
    const [line] = await log.settled(1);
    expect(line).toMatchObject({
      route: 'chat',
      stream: true,
      status: 200,
      attempts: 1,
      errorCode: null,
      tokens: { input: expect.any(Number), output: expect.any(Number), estimated: false },
    });
    expect(line.tokens.output).toBeGreaterThan(0);
    expect(line.ttftMs).toEqual(expect.any(Number));
    expect(line.ttftMs).toBeLessThanOrEqual(line.latencyMs);
    expect(log.text.join('')).not.toContain('periwinkle');
  });

  it('logs a retried call once, with both attempts', async () => {
    const gateway = await start();
    gateway.stack.simulator.faults.enqueue({ kind: 'rate-limit', retryAfterMs: 20 });
    await (await gateway.post('/chat/completions', { model: MODEL, messages: USER })).text();
    const lines = await log.settled(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ status: 200, attempts: 2, retries: 1, errorCode: null });
  });

  it('logs a failed call with its status and typed code', async () => {
    const gateway = await start();
    gateway.stack.simulator.faults.enqueue({ kind: 'quota' });
    const response = await gateway.post('/chat/completions', { model: MODEL, messages: USER });
    expect(response.status).toBe(429);
    const [line] = await log.settled(1);
    expect(line).toMatchObject({
      level: 'warn',
      status: 429,
      errorCode: 'quota_exhausted',
      attempts: 1,
      upstreamRequestId: gateway.stack.simulator.log.entries[0]?.requestId,
    });
  });

  it('logs a stream the client leaves, when it ends, with its estimated usage', async () => {
    const gateway = await start();
    // Without the client's abort this stream would hang after its third chunk.
    gateway.stack.simulator.faults.enqueue({ kind: 'stall', ms: 600_000, afterChunks: 3 });
    const controller = new AbortController();
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: MODEL,
        messages: [{ role: 'user', content: LONG }],
        stream: true,
      }),
      signal: controller.signal,
    });
    await response.body?.getReader().read();
    expect(log.lines()).toHaveLength(0);
    controller.abort();
    const [line] = await log.settled(1);
    expect(line).toMatchObject({
      stream: true,
      status: 499,
      errorCode: 'aborted',
      attempts: 1,
      tokens: { estimated: true },
    });
    expect(line.ttftMs).toEqual(expect.any(Number));
  });

  it('never writes a provider key, even one the upstream quotes back', async () => {
    const key = plantedKey();
    const echo = await startKeyEchoingUpstream();
    try {
      const gateway = await start({
        config: {
          providers: [
            { id: 'simulator', kind: 'simulator' },
            { id: 'echo', kind: 'openai', apiKey: key, baseURL: echo.url },
          ],
        },
      });
      await (
        await gateway.post('/chat/completions', { model: 'echo:gpt-4o-mini', messages: USER })
      ).text();
      await (
        await gateway.post('/chat/completions', {
          model: 'echo:gpt-4o-mini',
          messages: USER,
          stream: true,
        })
      ).text();
      // A client that sends a key as the model gets it masked in the log too.
      await (await gateway.post('/chat/completions', { model: key, messages: USER })).text();
      // A long model name whose key crosses the logged length: masked whole, then cut.
      const long = `${'m'.repeat(190)}${key}`;
      await (await gateway.post('/chat/completions', { model: long, messages: USER })).text();
      const lines = await log.settled(4);
      expect(echo.keysSeen).toContain(key);
      expect(lines.map((line) => line.errorCode)).toEqual([
        'authentication',
        'stream_interrupted',
        expect.any(String),
        expect.any(String),
      ]);
      expect(log.text.join('')).not.toContain(key.slice(0, 10));
      expect(lines[1]).toMatchObject({ status: 502, stream: true });
      expect(log.text.join('')).not.toContain(key);
      expect(log.text.join('')).not.toContain('periwinkle');
    } finally {
      await echo.close();
    }
  });

  it('writes nothing with the log off', () => {
    const capture = new LogCapture();
    const line = new CallLog({ format: 'off', to: capture });
    line.write({} as CallOutcome);
    expect(capture.text).toEqual([]);
  });
});
