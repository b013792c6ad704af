import { ManualClock } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { ask, chatCalls, eventLog, loopbackSimulator, stackOn } from './cache.test-support.js';
import { MemoryCacheStore } from './memory-cache-store.js';
import { responseCache } from './response-cache.js';

const env = loopbackSimulator();

describe('responseCache: complete', () => {
  it('answers an identical call from the cache: zero upstream requests, marked cached', async () => {
    const provider = stackOn(env.sim, responseCache());
    const first = await provider.complete(ask('What is the capital of France?'));
    expect(chatCalls(env.sim)).toHaveLength(1);
    expect(first.meta.cache).toBeUndefined();

    env.sim.simulator.log.clear();
    const second = await provider.complete(ask('What is the capital of France?'));
    expect(chatCalls(env.sim)).toHaveLength(0);
    expect(second.text).toBe(first.text);
    expect(second.usage).toEqual(first.usage);
    expect(second.raw).toEqual(first.raw);
    expect(second.meta).toMatchObject({
      requestId: first.meta.requestId,
      cache: { hit: true, key: expect.stringMatching(/^complete:[0-9a-f]{64}$/) },
    });
    expect(second.cost).toMatchObject({ amount: 0, lines: [] });
  });

  it('keys on what decides the answer, not on metadata, user or prompt-cache routing', async () => {
    const provider = stackOn(env.sim, responseCache());
    await provider.complete(ask('Key me', { user: 'alice' }), { metadata: { user: 'alice' } });
    await provider.complete(
      ask('Key me', {
        user: 'bob',
        providerOptions: {
          openai: { prompt_cache_key: 'tenant-7', prompt_cache_retention: '24h' },
        },
      }),
      { metadata: { project: 'other' }, headers: { 'x-trace': '1' } },
    );
    expect(chatCalls(env.sim)).toHaveLength(1);
    // ...while the prompt-cache options still reach OpenAI on the call that is sent.
    await provider.complete(
      ask('Key me, again', { providerOptions: { openai: { prompt_cache_key: 't' } } }),
    );
    expect(chatCalls(env.sim).at(-1)?.body).toMatchObject({ prompt_cache_key: 't' });
    // A different model, message or setting is another answer.
    await provider.complete(ask('Key me', { model: 'gpt-4o' }));
    await provider.complete(ask('Key me', { maxOutputTokens: 5 }));
    await provider.complete(ask('Key me!'));
    expect(chatCalls(env.sim)).toHaveLength(5);
  });

  it('does not cache sampled answers unless asked, per cache or per call', async () => {
    const { events, onEvent } = eventLog();
    const provider = stackOn(env.sim, responseCache({ onEvent }));
    const sampled = { temperature: 0.7 };
    await provider.complete(ask('Sample', sampled));
    await provider.complete(ask('Sample', sampled));
    await provider.complete(ask('Sample', { temperature: undefined }));
    await provider.complete(ask('Sample', { temperature: undefined }));
    await provider.complete(ask('Sample', { n: 2, seed: 1 }));
    await provider.complete(ask('Sample', { n: 2, seed: 1 }));
    expect(chatCalls(env.sim)).toHaveLength(6);
    expect(events.filter((event) => event.type === 'cache-bypass')).toHaveLength(6);
    expect(events[0]).toMatchObject({ type: 'cache-bypass', reason: 'nondeterministic' });

    // A seed makes it repeatable.
    await provider.complete(ask('Sample', { temperature: 0.7, seed: 7 }));
    await provider.complete(ask('Sample', { temperature: 0.7, seed: 7 }));
    expect(chatCalls(env.sim)).toHaveLength(7);

    // Asked for, per call.
    const optIn = { metadata: { cache: { nondeterministic: true } } };
    await provider.complete(ask('Sample', sampled), optIn);
    await provider.complete(ask('Sample', sampled), optIn);
    expect(chatCalls(env.sim)).toHaveLength(8);

    // Asked for, for the whole cache.
    const everything = stackOn(env.sim, responseCache({ nondeterministic: true }));
    await everything.complete(ask('Sample', { n: 2 }));
    await everything.complete(ask('Sample', { n: 2 }));
    expect(chatCalls(env.sim)).toHaveLength(9);
  });

  it('never stores a failure: the next identical call goes to the provider', async () => {
    const provider = stackOn(env.sim, responseCache());
    env.sim.simulator.faults.enqueue({ kind: 'server-error', status: 500 });
    await expect(provider.complete(ask('Fail once'))).rejects.toMatchObject({
      code: 'server_error',
    });
    const answer = await provider.complete(ask('Fail once'));
    expect(answer.meta.cache).toBeUndefined();
    expect(chatCalls(env.sim).map((entry) => entry.status)).toEqual([500, 200]);
  });

  it('bypass, refresh and ttl per call', async () => {
    const clock = new ManualClock(1_000);
    const store = new MemoryCacheStore({ clock });
    const provider = stackOn(env.sim, responseCache({ store, clock, ttlMs: 60_000 }));
    const question = ask('Controls');
    await provider.complete(question);
    // Bypass: neither read nor written.
    const bypassed = await provider.complete(question, { metadata: { cache: { bypass: true } } });
    expect(bypassed.meta.cache).toBeUndefined();
    expect(chatCalls(env.sim)).toHaveLength(2);
    // Refresh: the provider answers, and its answer replaces the stored one.
    const refreshed = await provider.complete(question, { metadata: { cache: { refresh: true } } });
    expect(refreshed.meta.cache).toBeUndefined();
    expect(chatCalls(env.sim)).toHaveLength(3);
    const after = await provider.complete(question);
    expect(after.meta.cache?.storedAt).toBe(clock.now());
    expect(after.meta.requestId).toBe(refreshed.meta.requestId);
    expect(chatCalls(env.sim)).toHaveLength(3);

    // A per-call TTL outlives the cache's, and runs out on its own schedule.
    const longLived = ask('Keep me a day');
    await provider.complete(longLived, { metadata: { cache: { ttlMs: 86_400_000 } } });
    await clock.advance(3_600_000);
    expect((await provider.complete(longLived)).meta.cache).toBeDefined();
    expect((await provider.complete(question)).meta.cache).toBeUndefined(); // the cache's 60 s ran out
    await clock.advance(86_400_000);
    expect((await provider.complete(longLived)).meta.cache).toBeUndefined();

    await expect(
      provider.complete(question, { metadata: { cache: { ttlMs: -1 } } }),
    ).rejects.toMatchObject({ code: 'invalid_request', field: 'metadata.cache.ttlMs' });
  });

  it('shares one provider call among concurrent identical calls in a process', async () => {
    const { events, onEvent } = eventLog();
    const provider = stackOn(env.sim, responseCache({ onEvent }));
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => provider.complete(ask('Everyone at once'))),
    );
    expect(chatCalls(env.sim)).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.text)).size).toBe(1);
    expect(answers.filter((answer) => answer.meta.cache === undefined)).toHaveLength(1);
    expect(events.filter((event) => event.type === 'cache-hit' && event.waited)).toHaveLength(19);
  });

  it('hands the key to a waiter when the shared call fails', async () => {
    const provider = stackOn(env.sim, responseCache());
    env.sim.simulator.faults.enqueue({ kind: 'server-error', status: 503 });
    const [first, second] = await Promise.allSettled([
      provider.complete(ask('First fails')),
      provider.complete(ask('First fails')),
    ]);
    expect(first.status).toBe('rejected');
    expect(second).toMatchObject({ status: 'fulfilled' });
    expect(chatCalls(env.sim).map((entry) => entry.status)).toEqual([503, 200]);
  });

  it('answers embeddings from the cache, vectors exact', async () => {
    const provider = stackOn(env.sim, responseCache());
    const request = { model: 'text-embedding-3-small', input: ['alpha', 'beta'] };
    const first = await provider.embed(request);
    const second = await provider.embed(request);
    expect(env.sim.simulator.log.filter('/v1/embeddings')).toHaveLength(1);
    expect(second.meta.cache?.hit).toBe(true);
    expect(second.embeddings).toHaveLength(2);
    second.embeddings.forEach((vector, index) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(Array.from(vector)).toEqual(Array.from(first.embeddings[index] as Float32Array));
    });
    // One text is not a list of one text: different answer shapes.
    await provider.embed({ model: 'text-embedding-3-small', input: 'alpha' });
    expect(env.sim.simulator.log.filter('/v1/embeddings')).toHaveLength(2);
  });

  it('reports cache-stored only once the store kept the answer', async () => {
    const { events, onEvent } = eventLog();
    const store = new MemoryCacheStore({ maxEntryBytes: 10 }); // every answer is too large
    const tooLarge = stackOn(env.sim, responseCache({ store, onEvent }));
    await tooLarge.complete(ask('Too large to keep'));
    await tooLarge.complete(ask('Too large to keep'), { metadata: { cache: { refresh: true } } });
    await tooLarge.dispose();
    expect(events.map((event) => event.type)).toEqual([
      'cache-miss',
      'cache-not-stored',
      'cache-miss',
      'cache-not-stored',
    ]);

    events.length = 0;
    const kept = stackOn(env.sim, responseCache({ onEvent }));
    await kept.complete(ask('Small enough'));
    await kept.dispose();
    expect(events.map((event) => event.type)).toEqual(['cache-miss', 'cache-stored']);
  });

  it('fails open: a store that throws is skipped, the provider answers', async () => {
    const { events, onEvent } = eventLog();
    const broken = {
      claim: () => Promise.reject(new Error('store down')),
      fill: () => Promise.reject(new Error('store down')),
      release: () => Promise.reject(new Error('store down')),
      renew: () => Promise.reject(new Error('store down')),
      delete: () => Promise.reject(new Error('store down')),
    };
    const provider = stackOn(env.sim, responseCache({ store: broken, onEvent }));
    const answer = await provider.complete(ask('No store'));
    expect(answer.text).not.toBe('');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'cache-store-error', operation: 'claim' }),
    );
  });
});
