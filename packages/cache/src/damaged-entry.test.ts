import type { Provider } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { ask, chatCalls, eventLog, loopbackSimulator, stackOn } from './cache.test-support.js';
import type { CacheEvent } from './cache-options.js';
import { MemoryCacheStore } from './memory-cache-store.js';
import { responseCache } from './response-cache.js';

const env = loopbackSimulator();

/** The key the cache used for the last miss it reported. */
function lastMissKey(events: CacheEvent[]): string {
  const miss = events.findLast((event) => event.type === 'cache-miss');
  if (miss?.type !== 'cache-miss') throw new Error('expected a cache-miss');
  return miss.key;
}

/** Overwrites what the cache stored for a call with `payload`, then makes the call again. */
async function afterDamage(
  payload: unknown,
  call: (provider: Provider) => Promise<unknown>,
): Promise<{ events: CacheEvent[] }> {
  const { events, onEvent } = eventLog();
  const store = new MemoryCacheStore();
  const open = () => stackOn(env.sim, responseCache({ store, onEvent }));
  const first = open();
  await call(first);
  await first.dispose(); // The answer is in the store...
  await store.fill(lastMissKey(events), JSON.stringify(payload), 60_000); // ...and now damaged.
  env.sim.simulator.log.clear();
  events.length = 0;
  const second = open();
  await call(second);
  await second.dispose();
  return { events };
}

const damage = { v: 1, storedAt: 1 };

describe('responseCache: a damaged stored entry', () => {
  it('is a miss for complete: the call goes upstream and succeeds', async () => {
    const { events } = await afterDamage({ ...damage, kind: 'complete', result: 'nope' }, (p) =>
      p.complete(ask('Damaged complete')),
    );
    expect(chatCalls(env.sim)).toHaveLength(1);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cache-store-error', operation: 'read' }),
    );
  });

  it('is a miss for embed without embeddings', async () => {
    const request = { model: 'text-embedding-3-small', input: ['damaged'] };
    const { events } = await afterDamage(
      { ...damage, kind: 'embed', result: { model: 'x', meta: {} } },
      (p) => p.embed(request),
    );
    expect(env.sim.simulator.log.filter('/v1/embeddings')).toHaveLength(1);
    expect(events).toContainEqual(expect.objectContaining({ type: 'cache-miss' }));
  });

  it('is a miss for a stream with bad events or chunks', async () => {
    const result = { text: '', choices: [], meta: {} };
    for (const broken of [
      { events: 'nope', chunks: [] },
      { events: [{ event: { type: 'finish' }, atMs: 0, chunk: 3 }], chunks: null },
      { events: [null], chunks: [] },
    ]) {
      await afterDamage({ ...damage, kind: 'stream', result, ...broken }, async (p) => {
        const stream = p.stream(ask('Damaged stream'));
        for await (const _event of stream) {
          // drained
        }
        expect((await stream.result).text).not.toBe('');
      });
      expect(chatCalls(env.sim)).toHaveLength(1);
    }
  });
});
