import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Json,
  postJson,
  readEvents,
  startTestPlayground,
  type TestPlayground,
} from './ui.test-support.js';

describe('/api/faults', () => {
  let playground: TestPlayground;
  beforeAll(async () => {
    playground = await startTestPlayground({
      retry: { maxAttempts: 3, baseDelayMs: 5, deadlineMs: 20_000 },
    });
  });
  afterAll(() => playground.close());
  const arm = async (body: unknown) => {
    const response = await postJson(`${playground.url}/api/faults`, body);
    return { status: response.status, body: (await response.json()) as Json };
  };
  const chat = async () => {
    const response = await postJson(`${playground.url}/api/chat`, {
      target: 'simulator:gpt-4o-mini',
      request: { messages: [{ role: 'user', content: 'Are you there?' }] },
    });
    return readEvents(response);
  };
  const statuses = (events: Json[]) =>
    events
      .filter((event) => event.type === 'trace' && event.record.type === 'response')
      .map((event) => event.record.status);

  it('a toggle fails every call while on, and the resilience layer retries each', async () => {
    expect((await arm({ fault: 'server-error', mode: 'on' })).body).toEqual({
      always: ['server-error'],
      pending: 0,
    });
    const failed = await chat();
    expect(statuses(failed)).toEqual([503, 503, 503]);
    expect(failed.find((event) => event.type === 'error')?.error).toMatchObject({
      code: 'server_error',
      status: 503,
    });
    expect((await arm({ fault: 'server-error', mode: 'off' })).body.always).toEqual([]);
    expect(statuses(await chat())).toEqual([200]);
  });

  it('"once" queues a fault for the next call only, and survives another toggle going off', async () => {
    await arm({ fault: 'rate-limit', mode: 'once' });
    await arm({ fault: 'stall', mode: 'on' });
    expect((await arm({ fault: 'stall', mode: 'off' })).body).toEqual({ always: [], pending: 1 });
    expect(statuses(await chat())).toEqual([429, 200]);
    expect(statuses(await chat())).toEqual([200]);
  });

  it('cuts a stream after its first chunks: a typed error that keeps the partial text', async () => {
    await arm({ fault: 'stream-cut', mode: 'once' });
    const events = await chat();
    expect(events.find((event) => event.type === 'error')?.error).toMatchObject({
      code: 'stream_interrupted',
      partialText: expect.any(String),
    });
  });

  it('DELETE clears every fault', async () => {
    await arm({ fault: 'quota', mode: 'on' });
    await arm({ fault: 'rate-limit', mode: 'once' });
    const response = await fetch(`${playground.url}/api/faults`, { method: 'DELETE' });
    expect(await response.json()).toEqual({ always: [], pending: 0 });
    expect(statuses(await chat())).toEqual([200]);
  });

  it('refuses an unknown fault or mode, naming the field', async () => {
    const unknown = await arm({ fault: 'meteor', mode: 'on' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ param: 'fault', ply_code: 'invalid_request' });
    const mode = await arm({ fault: 'quota', mode: 'sometimes' });
    expect(mode.body.error).toMatchObject({ param: 'mode' });
  });
});
