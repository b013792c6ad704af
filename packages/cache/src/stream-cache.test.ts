import type { ChatStream, ChatStreamEvent, ToolDefinition } from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { ask, chatCalls, eventLog, loopbackSimulator, stackOn } from './cache.test-support.js';
import { responseCache } from './response-cache.js';

const env = loopbackSimulator();

async function collect(stream: ChatStream): Promise<ChatStreamEvent[]> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const weather: ToolDefinition = {
  type: 'function',
  name: 'get_weather',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};

describe('responseCache: stream', () => {
  it('replays a stored stream as the same events, marked cached, with no upstream request', async () => {
    const provider = stackOn(env.sim, responseCache());
    const request = ask('Stream this answer back to me, please.');
    const live = provider.stream(request);
    const liveEvents = await collect(live);
    const liveResult = await live.result;
    expect(chatCalls(env.sim)).toHaveLength(1);

    const replayed = provider.stream(request);
    const replayedEvents = await collect(replayed);
    const result = await replayed.result;
    expect(chatCalls(env.sim)).toHaveLength(1);
    expect(replayedEvents).toEqual(liveEvents);
    expect(replayedEvents.map((event) => event.type)).toEqual(
      expect.arrayContaining(['text-delta', 'usage', 'finish']),
    );
    expect(result.text).toBe(liveResult.text);
    expect(result.raw).toEqual(liveResult.raw);
    expect(result.meta.cache).toMatchObject({ hit: true, key: expect.stringMatching(/^stream:/) });
    expect(result.cost?.amount).toBe(0);
  });

  it('replays tool call deltas and the parsed tool call', async () => {
    const provider = stackOn(env.sim, responseCache());
    const request = ask('What is the weather in Paris?', { model: 'sim-tools', tools: [weather] });
    const liveEvents = await collect(provider.stream(request));
    const replayed = provider.stream(request);
    const replayedEvents = await collect(replayed);
    expect(chatCalls(env.sim)).toHaveLength(1);
    expect(replayedEvents).toEqual(liveEvents);
    expect(replayedEvents.some((event) => event.type === 'tool-call-delta')).toBe(true);
    expect((await replayed.result).toolCalls[0]).toMatchObject({ name: 'get_weather' });
  });

  it('a stream and a complete of one request are stored apart', async () => {
    const provider = stackOn(env.sim, responseCache());
    await provider.complete(ask('Both ways'));
    await provider.stream(ask('Both ways')).result;
    expect(chatCalls(env.sim)).toHaveLength(2);
  });

  it('never stores a stream its consumer left early', async () => {
    const { events, onEvent } = eventLog();
    const provider = stackOn(env.sim, responseCache({ onEvent }));
    const request = ask('One two three four five six seven eight nine ten');
    for await (const event of provider.stream(request)) {
      if (event.type === 'text-delta') break;
    }
    const again = provider.stream(request);
    await again.result;
    expect((await again.result).meta.cache).toBeUndefined();
    expect(chatCalls(env.sim)).toHaveLength(2);
    await provider.dispose(); // cache-stored comes once the write is answered.
    expect(events.filter((event) => event.type === 'cache-stored')).toHaveLength(1);
  });

  it('never stores an aborted stream', async () => {
    const provider = stackOn(env.sim, responseCache());
    const request = ask('Abort me midway through this sentence');
    const controller = new AbortController();
    const stream = provider.stream(request, { signal: controller.signal });
    await expect(
      (async () => {
        for await (const event of stream) if (event.type === 'text-delta') controller.abort();
      })(),
    ).rejects.toMatchObject({ code: 'aborted' });
    await provider.stream(request).result;
    expect(chatCalls(env.sim)).toHaveLength(2);
  });

  it('never stores a stream the connection cut', async () => {
    const provider = stackOn(env.sim, responseCache());
    const request = ask('Cut me off after a few words, please');
    env.sim.simulator.faults.enqueue({ kind: 'reset-after-chunks', chunks: 2 });
    await expect(provider.stream(request).result).rejects.toMatchObject({
      code: 'stream_interrupted',
    });
    const whole = await provider.stream(request).result;
    expect(whole.meta.cache).toBeUndefined();
    const hit = await provider.stream(request).result;
    expect(hit.meta.cache?.hit).toBe(true);
    expect(hit.text).toBe(whole.text);
    expect(chatCalls(env.sim)).toHaveLength(2);
  });

  it('concurrent identical streams share one upstream stream', async () => {
    const provider = stackOn(env.sim, responseCache());
    const request = ask('All of us stream together');
    const results = await Promise.all(
      Array.from({ length: 5 }, () => provider.stream(request).result),
    );
    expect(chatCalls(env.sim)).toHaveLength(1);
    expect(new Set(results.map((result) => result.text)).size).toBe(1);
  });

  it("replay: 'paced' keeps the pauses the stream arrived with, on the injected clock", async () => {
    const clock = new ManualClock(1_000);
    const provider = stackOn(env.sim, responseCache({ clock, replay: 'paced' }));
    const request = ask('Pace me');
    const live: ChatStreamEvent[] = [];
    for await (const event of provider.stream(request)) {
      live.push(event);
      await clock.advance(100); // the next event arrives 100 ms later
    }
    expect(live.length).toBeGreaterThan(2);

    const replay = provider.stream(request)[Symbol.asyncIterator]();
    expect((await replay.next()).value).toEqual(live[0]);
    let arrived = false;
    const second = replay.next().then((step) => {
      arrived = true;
      return step;
    });
    await clock.advance(99);
    expect(arrived).toBe(false);
    await clock.advance(1);
    expect(arrived).toBe(true);
    expect((await second).value).toEqual(live[1]);
    await replay.return?.();
    expect(chatCalls(env.sim)).toHaveLength(1);
  });
});
