import type { ChatRequest } from '@ply/core';
import { tiktokenEstimator } from '@ply/cost';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Json,
  postJson,
  readEvents,
  ssePayloads,
  startTestPlayground,
  type TestPlayground,
} from './ui.test-support.js';

const hello: ChatRequest = {
  messages: [{ role: 'user', content: 'Hello from the playground test' }],
  maxOutputTokens: 64,
};

function ofType(events: Json[], type: string): Json[] {
  return events.filter((event) => event.type === type);
}

function traces(events: Json[], type: string): Json[] {
  return ofType(events, 'trace')
    .map((event) => event.record)
    .filter((record) => record.type === type);
}

describe('POST /api/chat', () => {
  let playground: TestPlayground;
  beforeAll(async () => {
    playground = await startTestPlayground({
      retry: { maxAttempts: 3, baseDelayMs: 10, deadlineMs: 20_000 },
    });
  });
  afterAll(() => playground.close());
  const chat = async (body: unknown) => {
    const response = await postJson(`${playground.url}/api/chat`, body);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return readEvents(response);
  };

  it('streams trace records, stream events and the result with timing, usage and cost', async () => {
    const events = await chat({ target: 'simulator:gpt-4o-mini', request: hello });
    expect(events[0]).toMatchObject({
      type: 'start',
      target: 'simulator:gpt-4o-mini',
      stream: true,
    });

    const [sent] = traces(events, 'request');
    expect(sent).toMatchObject({ attempt: 1, method: 'POST' });
    expect(sent?.body).toMatchObject({ model: 'gpt-4o-mini', stream: true, max_tokens: 64 });
    expect(sent?.headers.authorization).toBe('[redacted]');
    const [received] = traces(events, 'response');
    expect(received?.status).toBe(200);
    expect(received?.headers['x-request-id']).toMatch(/^req_/);
    expect(received?.headers['x-ratelimit-remaining-requests']).toBeDefined();
    const chunks = traces(events, 'chunk');
    expect(chunks.at(-1)?.data).toBe('[DONE]');

    const deltas = ofType(events, 'event').filter((event) => event.event.type === 'text-delta');
    expect(deltas.map((event) => event.event.delta).join('')).toBe(
      'Hello from the playground test',
    );
    expect(deltas[0]?.event.raw).toBeUndefined();

    const [result] = ofType(events, 'result');
    expect(result?.result.text).toBe('Hello from the playground test');
    expect(result?.result.usage.outputTokens).toBeGreaterThan(0);
    expect(result?.result.cost.amount).toBeGreaterThan(0);
    expect(Array.isArray(result?.result.raw)).toBe(true);
    expect(result?.unknownFields).toEqual([]);
    expect(result?.timing.ttftMs).toBeGreaterThanOrEqual(0);
    expect(result?.timing.durationMs).toBeGreaterThanOrEqual(result?.timing.ttftMs);
    expect(result?.attempts).toBe(1);
    expect(result?.circuit).toMatchObject({
      key: 'http://simulator.invalid/v1|gpt-4o-mini',
      state: 'closed',
    });
    expect(ofType(events, 'error')).toEqual([]);
  });

  it('shows a retry with its reason and delay when the simulator answers 429 first', async () => {
    playground.stack.simulator.faults.enqueue({ kind: 'rate-limit', retryAfterMs: 20 });
    const events = await chat({ target: 'simulator:gpt-4o-mini', request: hello });
    const retries = traces(events, 'resilience').filter(
      (record) => record.event.type === 'retry-scheduled',
    );
    expect(retries).toHaveLength(1);
    expect(retries[0]?.event).toMatchObject({
      attempt: 1,
      reason: 'rate-limited',
      code: 'rate_limited',
    });
    expect(retries[0]?.event.delayMs).toBeGreaterThanOrEqual(20);
    expect(traces(events, 'response').map((record) => record.status)).toEqual([429, 200]);
    expect(ofType(events, 'result')[0]?.attempts).toBe(2);
  });

  it('answers a failure as a typed error event after the trace', async () => {
    playground.stack.simulator.faults.enqueue({ kind: 'quota' });
    const events = await chat({ target: 'simulator:gpt-4o-mini', request: hello });
    const [failure] = ofType(events, 'error');
    expect(failure?.error).toMatchObject({
      code: 'quota_exhausted',
      status: 429,
      retryable: false,
    });
    expect(failure?.attempts).toBe(1);
    expect(traces(events, 'body')[0]?.body).toContain('insufficient_quota');
    expect(ofType(events, 'result')).toEqual([]);
  });

  it('calls without streaming when asked, keeping the body in the trace', async () => {
    const events = await chat({ target: 'simulator:gpt-4o-mini', request: hello, stream: false });
    expect(ofType(events, 'event')).toEqual([]);
    expect(JSON.parse(traces(events, 'body')[0]?.body).object).toBe('chat.completion');
    const [result] = ofType(events, 'result');
    expect(result?.result.raw.object).toBe('chat.completion');
    expect(result?.unknownFields).toEqual([]);
    expect(result?.timing.ttftMs).toBeUndefined();
  });

  it('returns tool calls and continues once the tool result comes back', async () => {
    const tools = [
      {
        type: 'function',
        name: 'get_weather',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    ];
    const question = { role: 'user', content: 'Weather in Oslo?' };
    const first = await chat({
      target: 'simulator:sim-tools',
      request: { messages: [question], tools },
    });
    const call = ofType(first, 'result')[0]?.result.toolCalls[0];
    expect(call).toMatchObject({ name: 'get_weather', input: { city: expect.any(String) } });

    const messages = [
      question,
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: call.id, name: call.name, arguments: call.arguments }],
      },
      { role: 'tool', toolCallId: call.id, content: '{"temperature":3}' },
    ];
    const second = await chat({ target: 'simulator:sim-tools', request: { messages, tools } });
    expect(ofType(second, 'result')[0]?.result.text).toContain('{"temperature":3}');
  });

  it('parses and validates structured output against the request schema', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, population: { type: 'integer' } },
      required: ['name', 'population'],
      additionalProperties: false,
    };
    const events = await chat({
      target: 'simulator:sim-json',
      request: {
        messages: [{ role: 'user', content: 'Invent a city' }],
        responseFormat: { type: 'json_schema', name: 'city', schema },
      },
    });
    expect(ofType(events, 'result')[0]?.structured).toMatchObject({
      schemaName: 'city',
      valid: true,
      value: { name: expect.any(String), population: expect.any(Number) },
      issues: [],
    });
  });

  it('refuses bad input before any call, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ target: 'nowhere:gpt-4o', request: hello }, 'target'],
      [{ target: 'gpt-4o', request: hello }, 'target'],
      [
        {
          target: 'simulator:gpt-4o-mini',
          request: { messages: [{ role: 'robot', content: 'x' }] },
        },
        'request.messages[0].role',
      ],
      [
        { target: 'simulator:gpt-4o-mini', request: { ...hello, temperature: 7 } },
        'request.temperature',
      ],
      [
        { target: 'simulator:gpt-4o-mini', request: { ...hello, max_tokens: 5 } },
        'request.max_tokens',
      ],
      [{ target: 'simulator:gpt-4o-mini', request: hello, stream: 'yes' }, 'stream'],
    ];
    const before = playground.stack.simulator.log.entries.length;
    for (const [body, field] of cases) {
      const response = await postJson(`${playground.url}/api/chat`, body);
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: Record<string, unknown> };
      expect(error).toMatchObject({ param: field, ply_code: 'invalid_request' });
      expect(error.message).toContain(field);
    }
    expect(playground.stack.simulator.log.entries.length).toBe(before);
  });
});

describe('POST /api/chat, stopped by the page', () => {
  it('aborts the call when the page disconnects, settling the budget at what arrived', async () => {
    const playground = await startTestPlayground();
    try {
      // The simulator sends three chunks (the role, then two tokens) and holds the stream
      // for a minute: only the abort can end it sooner.
      playground.stack.simulator.faults.enqueue({ kind: 'stall', ms: 60_000, afterChunks: 3 });
      const settled = new Promise<Json>((resolve) => {
        playground.stack.onEvent((event) => {
          if (event.type === 'budget' && event.event.type !== 'budget-reserved') {
            resolve(event.event);
          }
        });
      });
      const controller = new AbortController();
      const response = await postJson(
        `${playground.url}/api/chat`,
        {
          target: 'simulator:sim-lorem',
          request: { messages: [{ role: 'user', content: 'write 200 words' }] },
        },
        { signal: controller.signal },
      );
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      const deltas: string[] = [];
      while (deltas.length < 2) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended before its stall');
        buffer += decoder.decode(value, { stream: true });
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const payload of ssePayloads(blocks.join('\n\n'))) {
          const event = JSON.parse(payload) as Json;
          if (event.type === 'event' && event.event.type === 'text-delta') {
            deltas.push(event.event.delta);
          }
        }
      }
      // Everything before the stall has arrived; the stop lands whenever it lands.
      controller.abort();
      const arrived = deltas.join('');

      expect(await settled).toMatchObject({ type: 'budget-settled', estimated: true });
      await expect.poll(() => playground.stack.ledger.entries().length).toBe(1);
      const [entry] = playground.stack.ledger.entries();
      expect(entry).toMatchObject({ stream: true, estimated: true });
      // Billed at an estimate of exactly the output that was shown.
      expect(entry?.usage.outputTokens).toBe(
        tiktokenEstimator.countText(arrived, 'sim-lorem').tokens,
      );
      const [sent] = playground.stack.simulator.log.filter('/v1/chat/completions');
      expect(sent?.chunksSent).toBe(3);
      expect(arrived).not.toBe('');
      expect(sent?.outputText?.startsWith(arrived)).toBe(true);
      expect(sent?.outputText).not.toBe(arrived);
    } finally {
      await playground.close();
    }
  });
});
