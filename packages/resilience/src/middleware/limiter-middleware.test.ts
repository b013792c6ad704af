import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AbortedError,
  type ChatRequest,
  type ChatStream,
  RateLimitError,
  RateLimitWaitExceededError,
  StreamInterruptedError,
  wrapProvider,
} from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from '@ply/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimiterOptions } from '../limiter/limiter.js';
import { MemoryRateLimitStore } from '../limiter/limiter-memory-store.js';
import { rateLimit } from './limiter-middleware.js';

const KEY = 'simulator';
const WINDOW_MS = 60_000;

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

/** The simulator on loopback, the OpenAI adapter, and `rateLimit` around it, on one clock. */
async function stack(
  limits: Omit<RateLimiterOptions, 'clock' | 'store'>,
  simulatorOptions: StartSimulatorOptions = {},
) {
  const clock = new ManualClock(Date.UTC(2030, 0, 1));
  const simulator = await startSimulator({ port: 0, clock, ...simulatorOptions });
  running.push(simulator);
  const store = new MemoryRateLimitStore({ clock });
  const limiter = new RateLimiter({ ...limits, clock, store });
  const openai = createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url });
  const provider = wrapProvider(openai, rateLimit(limiter, { key: () => KEY }));
  return { clock, simulator, store, limiter, provider };
}

/** Moves the clock in steps until `done` settles: what the simulator paces waits on it. */
async function driveUntil<T>(clock: ManualClock, done: Promise<T>, stepMs = 250): Promise<T> {
  let finished = false;
  const settled = done.finally(() => {
    finished = true;
  });
  while (!finished) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!finished) await clock.advance(stepMs);
  }
  return settled;
}

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('rateLimit() against the simulator: a stream counts from its first event', () => {
  it('dates the permit when the answer began, not when it was granted nor when it ended', async () => {
    const { clock, simulator, limiter, provider } = await stack(
      { rpm: 1, tpm: Number.POSITIVE_INFINITY },
      { pace: { tokenDelayMs: 1_000 } },
    );
    // The server takes 2 s to answer: the request is counted by then at the latest.
    simulator.simulator.faults.enqueue([{ kind: 'slow-headers', ms: 2_000 }]);
    const grantedAt = clock.now();
    const seen = driveUntil(
      clock,
      (async () => {
        let firstEventAt: number | undefined;
        for await (const _ of provider.stream(ask('Tell me a long story.'))) {
          firstEventAt ??= clock.now();
        }
        return { firstEventAt: firstEventAt as number, endedAt: clock.now() };
      })(),
    );
    const { firstEventAt, endedAt } = await seen;
    expect(endedAt - firstEventAt).toBeGreaterThan(5_000);
    const refusal = await limiter.acquire({ key: KEY, tokens: 1, maxWaitMs: 0 }).catch((e) => e);
    const now = clock.now();
    expect(refusal).toBeInstanceOf(RateLimitWaitExceededError);
    const { retryAfterMs } = refusal as RateLimitWaitExceededError;
    // No sooner than a window after the headers came...
    expect(retryAfterMs).toBeGreaterThanOrEqual(grantedAt + 2_000 + WINDOW_MS - now);
    // ...and no later than a window after the first event reached the caller.
    expect(retryAfterMs).toBeLessThanOrEqual(firstEventAt + WINDOW_MS - endedAt);
  });
});

describe('rateLimit() against the simulator: a stream that ends early', () => {
  /** Reads a stream until `deltas` text deltas arrived, then leaves it as `how` says. */
  async function stopEarly(
    stream: ChatStream,
    how: 'break' | 'abort()' | 'signal',
    controller: AbortController,
    deltas: number,
  ): Promise<void> {
    let seen = 0;
    try {
      for await (const event of stream) {
        if (event.type !== 'text-delta' || ++seen < deltas) continue;
        if (how === 'break') break;
        if (how === 'abort()') stream.abort();
        else controller.abort();
      }
    } catch (error) {
      if (!AbortedError.isInstance(error)) throw error;
    }
  }

  it('gives back the reservation it did not use, however it ended', async () => {
    // As in the issue: 99 streams with max_tokens 2000 stopped after about 5 tokens used to
    // hold 99 × 2000 of 200,000 TPM for a minute, and the next call waited too long.
    const { simulator, store, provider } = await stack({
      rpm: 10_000,
      tpm: 200_000,
      maxWaitMs: 0,
    });
    const ways = ['break', 'abort()', 'signal', 'interrupted'] as const;
    for (let i = 0; i < 99; i++) {
      const how = ways[i % ways.length] as (typeof ways)[number];
      const request = ask(`Tell me a long story, number ${i}.`, { maxOutputTokens: 2_000 });
      if (how === 'interrupted') {
        // The connection drops after a handful of chunks.
        simulator.simulator.faults.enqueue([{ kind: 'reset-after-chunks', chunks: 6 }]);
        const outcome = await drain(provider.stream(request));
        expect(outcome.error).toBeInstanceOf(StreamInterruptedError);
        continue;
      }
      const controller = new AbortController();
      await stopEarly(provider.stream(request, { signal: controller.signal }), how, controller, 5);
    }
    // What is held is each prompt and the few tokens that came, not 99 × 2000.
    expect(store.usage(KEY, 'tokens')).toBeLessThan(99 * 50);
    const next = await provider.complete(ask('And now a normal call.', { maxOutputTokens: 2_000 }));
    expect(next.text.length).toBeGreaterThan(0);
  });

  it('keeps the reservation of a stream that failed before its first event', async () => {
    const { simulator, store, provider } = await stack({ rpm: 10_000, tpm: 200_000 });
    simulator.simulator.faults.enqueue([{ kind: 'server-error', status: 500 }]);
    const outcome = await drain(provider.stream(ask('Hello?', { maxOutputTokens: 2_000 })));
    expect(outcome.error).toMatchObject({ code: 'server_error' });
    // Whether the server counted it is unknown: the reservation stands.
    expect(store.usage(KEY, 'tokens')).toBeGreaterThan(2_000);
  });
});

async function drain(stream: ChatStream): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const event of stream) if (event.type === 'text-delta') text += event.delta;
    return { text };
  } catch (error) {
    return { text, error };
  }
}

describe('rateLimit(): a 429 blocks what it names, no longer than it asks', () => {
  // The 429 the probe got, served as it came: the body says the request limit ran
  // out and Retry-After asks for 1 s, while x-ratelimit-reset-tokens says 6m0s. (The
  // simulator's own 429s reset both dimensions together, so it cannot send this one.)
  const body = {
    error: {
      message:
        'Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    },
  };
  const headers = {
    'content-type': 'application/json',
    'retry-after': '1',
    'x-ratelimit-limit-requests': '3',
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-reset-requests': '1s',
    'x-ratelimit-limit-tokens': '40000',
    'x-ratelimit-remaining-tokens': '0',
    'x-ratelimit-reset-tokens': '6m0s',
  };

  it('drains the requests it names for the 1 s it asks, not the tokens for 6 minutes', async () => {
    const server = createServer((_, response) => {
      response.writeHead(429, headers).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const clock = new ManualClock(Date.UTC(2030, 0, 1));
      const limiter = new RateLimiter({ rpm: 3, tpm: 40_000, clock });
      const openai = createOpenAIProvider({
        apiKey: 'test-key',
        baseURL: `http://127.0.0.1:${port}/v1`,
      });
      const provider = wrapProvider(openai, rateLimit(limiter, { key: () => KEY }));
      const refused = await provider.complete(ask('Hello?')).catch((error) => error);
      expect(refused).toBeInstanceOf(RateLimitError);
      // Within the second it asked for, nothing is granted...
      await expect(limiter.acquire({ key: KEY, tokens: 10, maxWaitMs: 0 })).rejects.toMatchObject({
        retryAfterMs: 1_000,
      });
      // ...and once it passed, the limiter grants again: tokens were never the limit hit.
      await clock.advance(1_000);
      const permit = await limiter.acquire({ key: KEY, tokens: 10, maxWaitMs: 0 });
      await permit.release();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
