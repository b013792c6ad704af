// Shared by the cache's tests: a simulator over loopback HTTP and the OpenAI adapter on it.
import type { ChatRequest, Middleware, Provider } from '@ply/core';
import { wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { CacheEvent } from './cache-options.js';

/** One simulator for a test file, its log cleared before each test. */
export function loopbackSimulator(): { readonly sim: RunningSimulator } {
  let sim: RunningSimulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(() => {
    sim?.simulator.log.clear();
    sim?.simulator.faults.clear();
  });
  return {
    get sim() {
      if (sim === undefined) throw new Error('loopbackSimulator: used before beforeAll');
      return sim;
    },
  };
}

/** The adapter on the simulator, under `middlewares` (outermost first). */
export function stackOn(sim: RunningSimulator, ...middlewares: Middleware[]): Provider {
  const openai = createOpenAIProvider({ apiKey: 'test-key', baseURL: sim.url });
  return wrapProvider(openai, ...middlewares);
}

/** Chat calls the simulator answered (or failed), in order. */
export function chatCalls(sim: RunningSimulator) {
  return sim.simulator.log.filter('/v1/chat/completions');
}

/** A deterministic question: greedy sampling. */
export const ask = (content: string, fields: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  temperature: 0,
  ...fields,
});

/** Collects a cache's events. */
export function eventLog() {
  const events: CacheEvent[] = [];
  return { events, onEvent: (event: CacheEvent) => events.push(event) };
}
