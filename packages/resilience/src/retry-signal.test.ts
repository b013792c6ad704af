import { wrapProvider } from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { resilience } from './resilience.js';

const request = { model: 'echo-1', messages: [{ role: 'user' as const, content: 'hi' }] };

/** The options each attempt reached the provider with. */
async function optionsSeen(
  retry: { maxAttempts: number; deadlineMs?: number; attemptTimeoutMs?: number },
  signal?: AbortSignal,
) {
  const inner = new InMemoryProvider({ models: ['echo-1'] });
  const provider = wrapProvider(inner, resilience({ retry }));
  await provider.complete(request, signal ? { signal } : {});
  const [call] = inner.calls;
  return call?.options;
}

describe('resilience() and the abort signal it passes down', () => {
  it('passes none when nothing could fire it: each signal the OpenAI SDK composes is costly', async () => {
    const options = await optionsSeen({ maxAttempts: 3 });
    expect(options?.signal).toBeUndefined();
    // The idempotency key still goes down, the same for every attempt.
    expect(options?.headers?.['Idempotency-Key']).toMatch(/^ply-[0-9a-f]{16}[0-9a-z]+$/);
  });

  it('passes one when a deadline, an attempt timeout or the caller can abort the call', async () => {
    expect((await optionsSeen({ maxAttempts: 3, deadlineMs: 60_000 }))?.signal).toBeInstanceOf(
      AbortSignal,
    );
    expect(
      (await optionsSeen({ maxAttempts: 3, attemptTimeoutMs: 60_000 }))?.signal,
    ).toBeInstanceOf(AbortSignal);
    const caller = new AbortController();
    const signal = (await optionsSeen({ maxAttempts: 3 }, caller.signal))?.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    caller.abort();
    expect(signal?.aborted).toBe(true);
  });
});
