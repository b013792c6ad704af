import {
  AbortedError,
  type ChatStream,
  CircuitOpenError,
  ConnectionError,
  InvalidRequestError,
  type PlyError,
  ProviderRegistry,
  QuotaExceededError,
  RateLimitError,
  RateLimitWaitExceededError,
  StreamInterruptedError,
  TimeoutError,
  wrapProvider,
} from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './breaker/circuit-breaker.js';
import { RateLimiter } from './limiter/limiter.js';
import { type ResilienceOptions, resilience } from './resilience.js';
import type { ResilienceEvent } from './resilience-event.js';

const ask = (content: string) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content }],
});

/** Retries in milliseconds, so a test waits for the policy, not for the clock. */
const quickRetry = { baseDelayMs: 1, maxDelayMs: 5 };

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

/** The real stack: simulator on loopback, the OpenAI adapter, `resilience()` around it. */
async function stack(options: ResilienceOptions = {}) {
  const simulator = await startSimulator({ port: 0 });
  running.push(simulator);
  const events: ResilienceEvent[] = [];
  const openai = createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url });
  const registry = new ProviderRegistry().register('openai', openai);
  const middleware = resilience({
    retry: quickRetry,
    onEvent: (event) => events.push(event),
    ...options,
    ...(options.fallback ? { fallback: { ...options.fallback, registry } } : {}),
  });
  const provider = wrapProvider(openai, middleware);
  const chats = () => simulator.simulator.log.filter('/v1/chat/completions');
  return { simulator, faults: simulator.simulator.faults, provider, events, chats, registry };
}

const noRegistry = () => new ProviderRegistry();

async function drain(stream: ChatStream): Promise<{ text: string; error?: PlyError }> {
  let text = '';
  try {
    for await (const event of stream) if (event.type === 'text-delta') text += event.delta;
    return { text };
  } catch (error) {
    return { text, error: error as PlyError };
  }
}

describe('resilience() against the simulator', () => {
  it('retries server errors with one idempotency key, and returns the answer', async () => {
    const { faults, provider, events, chats } = await stack();
    faults.enqueue([
      { kind: 'server-error', status: 503 },
      { kind: 'server-error', status: 500 },
    ]);
    const result = await provider.complete(ask('hello'));
    expect(result.text.length).toBeGreaterThan(0);
    const attempts = chats();
    expect(attempts.map((entry) => entry.status)).toEqual([503, 500, 200]);
    const keys = new Set(attempts.map((entry) => entry.idempotencyKey));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/\S{16,}/);
    expect(events.filter((event) => event.type === 'retry-scheduled')).toHaveLength(2);
  });

  it('gives each logical call its own idempotency key', async () => {
    const { provider, chats } = await stack();
    await provider.complete(ask('one'));
    await provider.complete(ask('two'));
    const [first, second] = chats();
    expect(first?.idempotencyKey).toBeDefined();
    expect(first?.idempotencyKey).not.toBe(second?.idempotencyKey);
  });

  it('makes exactly maxAttempts requests on a persistent server error', async () => {
    const { faults, provider, chats, events } = await stack({
      retry: { ...quickRetry, maxAttempts: 4 },
    });
    faults.addRule({ path: '/v1/chat/completions' }, { kind: 'server-error', status: 502 });
    await expect(provider.complete(ask('down'))).rejects.toMatchObject({ code: 'server_error' });
    expect(chats()).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: 'retry-gave-up', attempts: 4 });
  });

  it('never retries what cannot succeed: an invalid request, an exhausted quota', async () => {
    const { faults, provider, chats } = await stack();
    await expect(provider.complete(ask('x'), {})).resolves.toBeDefined();
    faults.enqueue({ kind: 'quota' });
    await expect(provider.complete(ask('quota'))).rejects.toBeInstanceOf(QuotaExceededError);
    await expect(provider.complete({ ...ask('bad'), temperature: 7 })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    // One request for the success, one for the quota, none or one for the invalid request.
    expect(chats().filter((entry) => entry.status !== 200).length).toBeLessThanOrEqual(2);
    expect(chats().filter((entry) => entry.fault === 'quota')).toHaveLength(1);
  });

  it('waits at least the retry-after the server asked for', async () => {
    const { faults, provider, events, chats } = await stack();
    faults.enqueue({ kind: 'rate-limit', retryAfterMs: 40 });
    await provider.complete(ask('busy'));
    expect(chats().map((entry) => entry.status)).toEqual([429, 200]);
    const scheduled = events.find((event) => event.type === 'retry-scheduled');
    expect(scheduled).toMatchObject({ type: 'retry-scheduled', attempt: 1 });
    expect(scheduled?.type === 'retry-scheduled' && scheduled.delayMs).toBeGreaterThanOrEqual(40);
  });

  it('fails at once when the server asks for a longer wait than maxRetryAfterMs', async () => {
    const { faults, provider, chats } = await stack({
      retry: { ...quickRetry, maxRetryAfterMs: 1_000 },
    });
    faults.enqueue({ kind: 'rate-limit', retryAfterMs: 60_000 });
    await expect(provider.complete(ask('later'))).rejects.toBeInstanceOf(RateLimitError);
    expect(chats()).toHaveLength(1);
  });

  it('opens the circuit after consecutive failures, and then makes no request', async () => {
    const events: ResilienceEvent[] = [];
    const breaker = new CircuitBreaker({
      consecutiveFailures: 3,
      openMs: 60_000,
      onEvent: (event) => events.push(event),
    });
    const { faults, provider, chats } = await stack({ retry: false, breaker });
    faults.addRule({ model: 'gpt-4o-mini' }, { kind: 'server-error', status: 500 });
    for (let call = 0; call < 3; call++) {
      await expect(provider.complete(ask('fail'))).rejects.toMatchObject({ code: 'server_error' });
    }
    const refused = provider.complete(ask('refused'));
    await expect(refused).rejects.toBeInstanceOf(CircuitOpenError);
    expect(chats()).toHaveLength(3);
    expect(events.some((event) => event.type === 'breaker-opened')).toBe(true);
    // The circuit is per base URL and model: another model still goes through.
    await expect(provider.complete({ ...ask('other'), model: 'gpt-4o' })).resolves.toBeDefined();
  });

  it('keys circuits and limits on the endpoint without its credentials', async () => {
    // The breaker once keyed on the raw base URL: user:secret reached the CircuitOpenError's
    // message and key, and every breaker event. The OpenAI adapter now refuses such a base
    // URL; a provider of another kind may still carry one.
    const events: ResilienceEvent[] = [];
    const onEvent = (event: ResilienceEvent) => events.push(event);
    const breaker = new CircuitBreaker({ consecutiveFailures: 1, openMs: 60_000, onEvent });
    const limiter = new RateLimiter({ rpm: 100, tpm: Number.POSITIVE_INFINITY, onEvent });
    class ProxiedProvider extends InMemoryProvider {
      readonly baseURL = 'https://user:secret@proxy.example.invalid/v1';
    }
    const proxied = new ProxiedProvider({ models: ['gpt-4o-mini'] });
    proxied.failNext(new ConnectionError('Could not reach the proxy'));
    const provider = wrapProvider(proxied, resilience({ retry: false, breaker, limiter, onEvent }));
    await expect(provider.complete(ask('down'))).rejects.toMatchObject({ code: 'connection' });
    const refused = await provider.complete(ask('refused')).catch((error: unknown) => error);
    expect(CircuitOpenError.isInstance(refused)).toBe(true);
    const { key, message } = refused as CircuitOpenError;
    expect(key).toBe('https://proxy.example.invalid/v1|gpt-4o-mini');
    const everything = JSON.stringify({ key, message, events });
    expect(everything).toContain('proxy.example.invalid');
    expect(everything).not.toContain('secret');
    expect(everything).not.toContain('user:');
  });

  it('does not count invalid requests or 429s against the circuit', async () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 2, openMs: 60_000 });
    const { faults, provider } = await stack({ retry: false, breaker });
    faults.enqueue([
      { kind: 'rate-limit', retryAfterMs: 1 },
      { kind: 'rate-limit', retryAfterMs: 1 },
    ]);
    await expect(provider.complete(ask('a'))).rejects.toBeInstanceOf(RateLimitError);
    await expect(provider.complete(ask('b'))).rejects.toBeInstanceOf(RateLimitError);
    await expect(provider.complete({ ...ask('c'), temperature: 9 })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    await expect(provider.complete(ask('d'))).resolves.toBeDefined();
  });

  it('holds calls to the rate limit, and refuses one that would wait too long', async () => {
    const limiter = new RateLimiter({ rpm: 2, tpm: Number.POSITIVE_INFINITY, maxWaitMs: 0 });
    const { provider, chats } = await stack({ limiter });
    await provider.complete(ask('one'));
    await provider.complete(ask('two'));
    await expect(provider.complete(ask('three'))).rejects.toBeInstanceOf(
      RateLimitWaitExceededError,
    );
    expect(chats()).toHaveLength(2);
  });

  it('learns the server limits from x-ratelimit headers', async () => {
    const events: ResilienceEvent[] = [];
    const limiter = new RateLimiter({
      rpm: 1_000_000,
      tpm: Number.POSITIVE_INFINITY,
      onEvent: (event) => events.push(event),
    });
    const { provider } = await stack({ limiter });
    await provider.complete(ask('learn'));
    // The simulator's defaults: 10 000 requests and 10 000 000 tokens a minute.
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'limiter-learned', dimension: 'requests', limit: 10_000 }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'limiter-learned', dimension: 'tokens', limit: 10_000_000 }),
    );
  });

  it('retries a stream that failed before its first content, showing the text once', async () => {
    const { faults, provider, chats } = await stack();
    faults.enqueue({ kind: 'reset-before-headers' }, { stream: true });
    faults.enqueue({ kind: 'reset-after-headers' }, { stream: true });
    const stream = provider.stream(ask('stream me'));
    const { text, error } = await drain(stream);
    expect(error).toBeUndefined();
    const attempts = chats();
    expect(attempts).toHaveLength(3);
    expect(text).toBe(attempts.at(-1)?.outputText);
    expect((await stream.result).text).toBe(text);
  });

  it('never retries a stream once content reached the caller', async () => {
    const { faults, provider, chats } = await stack();
    faults.enqueue({ kind: 'reset-after-chunks', chunks: 3 }, { stream: true });
    const { text, error } = await drain(provider.stream(ask('a long enough answer please')));
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(chats()).toHaveLength(1);
    expect(text.length).toBeGreaterThan(0);
    expect(chats()[0]?.outputText?.startsWith(text)).toBe(true);
  });

  it('gives back its permits when the consumer leaves a committed stream, however it leaves', async () => {
    // One permit: a stream left holding it would make every later call wait for ever.
    const limiter = new RateLimiter({ rpm: 1_000_000, tpm: 1e9, maxConcurrent: 1 });
    const { provider, simulator } = await stack({ limiter });
    for (const way of ['break', 'abort()', 'caller signal'] as const) {
      const caller = new AbortController();
      const stream = provider.stream(ask('a long enough answer please'), {
        signal: caller.signal,
      });
      const error = await (async () => {
        for await (const event of stream) {
          if (event.type !== 'text-delta') continue;
          if (way === 'break') break;
          if (way === 'abort()') stream.abort();
          else caller.abort();
        }
        await stream.result;
      })().catch((error: unknown) => error);
      expect(error, way).toBeInstanceOf(AbortedError);
      await vi.waitFor(() => expect(limiter.active(simulator.url), way).toBe(0), {
        timeout: 5_000,
      });
    }
    await expect(provider.complete(ask('after'))).resolves.toBeDefined();
  });

  it('falls back to the next model only after retrying the first', async () => {
    const { faults, provider, chats, events } = await stack({
      retry: { ...quickRetry, maxAttempts: 2 },
      fallback: { registry: noRegistry(), chain: ['openai:gpt-4o'] },
    });
    faults.addRule({ model: 'gpt-4o-mini' }, { kind: 'server-error', status: 503 });
    const result = await provider.complete(ask('anyone?'));
    expect(result.model).toMatch(/^gpt-4o(?!-mini)/);
    expect(chats().map((entry) => `${entry.model} ${entry.status}`)).toEqual([
      'gpt-4o-mini 503',
      'gpt-4o-mini 503',
      'gpt-4o 200',
    ]);
    expect(events).toContainEqual({
      type: 'fallback',
      from: 'openai:gpt-4o-mini',
      to: 'openai:gpt-4o',
      code: 'server_error',
    });
  });

  it('retries the fallback target too, under the same policies', async () => {
    const { faults, provider, chats } = await stack({
      retry: { ...quickRetry, maxAttempts: 2 },
      fallback: { registry: noRegistry(), chain: ['openai:gpt-4o'] },
    });
    faults.addRule({ model: 'gpt-4o-mini' }, { kind: 'server-error', status: 500 });
    faults.enqueue({ kind: 'server-error', status: 502 }, { model: 'gpt-4o' });
    await provider.complete(ask('second try'));
    expect(chats().map((entry) => `${entry.model} ${entry.status}`)).toEqual([
      'gpt-4o-mini 500',
      'gpt-4o-mini 500',
      'gpt-4o 502',
      'gpt-4o 200',
    ]);
  });

  it('falls back when the circuit is open, without a request to the open deployment', async () => {
    const breaker = new CircuitBreaker({ consecutiveFailures: 1, openMs: 60_000 });
    const { faults, provider, chats } = await stack({
      retry: false,
      breaker,
      fallback: { registry: noRegistry(), chain: ['openai:gpt-4o'] },
    });
    faults.enqueue({ kind: 'server-error', status: 500 }, { model: 'gpt-4o-mini' });
    await provider.complete(ask('first'));
    await provider.complete(ask('second'));
    expect(chats().map((entry) => `${entry.model} ${entry.status}`)).toEqual([
      'gpt-4o-mini 500',
      'gpt-4o 200',
      'gpt-4o 200',
    ]);
  });

  it('never falls back on an invalid request', async () => {
    const { provider, chats } = await stack({
      fallback: { registry: noRegistry(), chain: ['openai:gpt-4o'] },
    });
    await expect(provider.complete({ ...ask('bad'), temperature: 5 })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(chats().filter((entry) => entry.model === 'gpt-4o')).toHaveLength(0);
  });

  it('moves a stream to the fallback before its first content, not after', async () => {
    const { faults, provider, chats } = await stack({
      retry: false,
      fallback: { registry: noRegistry(), chain: ['openai:gpt-4o'] },
    });
    faults.enqueue({ kind: 'server-error', status: 500 }, { model: 'gpt-4o-mini', stream: true });
    const moved = await drain(provider.stream(ask('move me')));
    expect(moved.error).toBeUndefined();
    expect(moved.text).toBe(chats().at(-1)?.outputText);
    expect(chats().at(-1)?.model).toBe('gpt-4o');

    faults.enqueue(
      { kind: 'reset-after-chunks', chunks: 3 },
      { model: 'gpt-4o-mini', stream: true },
    );
    const before = chats().length;
    const cut = await drain(provider.stream(ask('a long enough answer please')));
    expect(cut.error).toBeInstanceOf(StreamInterruptedError);
    expect(chats()).toHaveLength(before + 1);
  });

  it('gives a fallback only what is left of the deadline', async () => {
    // Every backoff is exactly 2,000 ms (decorrelated jitter with base = cap). The margins
    // are wide so that slow requests on a loaded machine do not move an attempt across
    // the deadline: the three requests may take 1,500 ms in all.
    const { faults, provider, chats } = await stack({
      retry: {
        maxAttempts: 2,
        baseDelayMs: 2_000,
        maxDelayMs: 2_000,
        jitter: 'decorrelated',
        deadlineMs: 3_500,
      },
      fallback: { registry: noRegistry(), chain: ['openai:gpt-4o'] },
    });
    faults.addRule({}, { kind: 'server-error', status: 500 });
    const failure = await provider.complete(ask('late')).catch((error: unknown) => error);
    // gpt-4o-mini fails twice (0 ms, 2,000 ms); gpt-4o starts at 2,000 ms, and its retry
    // at 4,000 ms would pass the shared 3,500 ms deadline. With a fresh deadline it would
    // retry.
    expect(chats().map((entry) => entry.model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o']);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as TimeoutError).phase).toBe('deadline');
  });

  it('does not fall back once the deadline is spent', async () => {
    const { faults, provider, chats } = await stack({
      retry: { baseDelayMs: 2_000, maxDelayMs: 2_000, jitter: 'decorrelated', deadlineMs: 3_500 },
      fallback: { registry: noRegistry(), chain: ['openai:gpt-4o'] },
    });
    faults.addRule({}, { kind: 'server-error', status: 500 });
    const failure = await provider.complete(ask('late')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as TimeoutError).phase).toBe('deadline');
    // Two attempts fit in 3,500 ms (0 ms, 2,000 ms); the third would start at 4,000 ms.
    // The deadline is spent, so no alternative is tried.
    expect(chats().map((entry) => entry.model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini']);
  });
});
