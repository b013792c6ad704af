import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ContextWindowExceededError,
  InvalidRequestError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from './api-errors.js';
import { PlyError } from './ply-error.js';
import {
  BudgetExceededError,
  CircuitOpenError,
  RateLimitWaitExceededError,
} from './policy-errors.js';
import { settle, toPlyError } from './settle.js';
import { UnexpectedError } from './setup-errors.js';
import {
  AbortedError,
  ConnectionError,
  StreamInterruptedError,
  TimeoutError,
} from './transport-errors.js';

describe('error hierarchy', () => {
  it('gives each class a stable code and its retry default', () => {
    const cases: [PlyError, string, boolean][] = [
      [new AuthenticationError('x'), 'authentication', false],
      [new InvalidRequestError('x'), 'invalid_request', false],
      [new ContextWindowExceededError('x'), 'context_window_exceeded', false],
      [new RateLimitError('x'), 'rate_limited', true],
      [new QuotaExceededError('x'), 'quota_exhausted', false],
      [new ServerError('x'), 'server_error', true],
      [new TimeoutError('x'), 'timeout', true],
      [new ConnectionError('x'), 'connection', true],
      [new AbortedError(), 'aborted', false],
      [new CircuitOpenError('x', { key: 'k' }), 'circuit_open', false],
    ];
    for (const [error, code, retryable] of cases) {
      expect([error.code, error.retryable, error.name]).toEqual([
        code,
        retryable,
        error.constructor.name,
      ]);
    }
  });

  it('carries what a retry policy needs', () => {
    const error = new RateLimitError('slow down', {
      provider: 'openai',
      status: 429,
      requestId: 'req_1',
      retryAfterMs: 1500,
      headers: { 'retry-after-ms': '1500' },
      rateLimit: { remainingRequests: 0 },
    });
    expect(error).toMatchObject({
      provider: 'openai',
      status: 429,
      requestId: 'req_1',
      retryAfterMs: 1500,
    });
    expect(error.rateLimit).toEqual({ remainingRequests: 0 });
    expect(new ServerError('x', { retryable: false }).retryable).toBe(false);
  });

  it('says which rate limit refused, when it is known', () => {
    expect(new RateLimitError('slow down', { dimension: 'tokens' }).dimension).toBe('tokens');
    expect(
      new RateLimitWaitExceededError('too long a wait', { dimension: 'tokens-per-day' }).dimension,
    ).toBe('tokens-per-day');
    expect(new RateLimitWaitExceededError('too long a wait').dimension).toBeUndefined();
  });

  it('recognises subclasses through isInstance and instanceof', () => {
    const error = new ContextWindowExceededError('too long', {
      promptTokens: 9000,
      contextWindow: 8192,
    });
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error instanceof InvalidRequestError).toBe(true);
    expect(PlyError.isInstance(error)).toBe(true);
    expect(RateLimitError.isInstance(error)).toBe(false);
    expect(error instanceof RateLimitError).toBe(false);
    expect(new InvalidRequestError('x') instanceof ContextWindowExceededError).toBe(false);
    expect(PlyError.isInstance(new Error('plain'))).toBe(false);
    expect(PlyError.isInstance({ code: 'rate_limited' })).toBe(false);
    expect(error instanceof Error).toBe(true);
  });

  it('never puts an API key in the message', () => {
    // Key-shaped, never a key: assembled so no source line looks like a credential.
    const key = ['sk', 'proj', 'PLANTED'.repeat(5)].join('-');
    const error = new AuthenticationError(
      `Incorrect API key provided: ${key}. Header was Bearer ${key}`,
    );
    expect(error.message).not.toContain('PLANTEDPLANTED');
    expect(JSON.stringify(error)).not.toContain('PLANTEDPLANTED');
    expect(error.message).toContain('Incorrect API key provided');
  });

  it('serialises to plain data without headers or cause', () => {
    const cause = new Error('socket hang up');
    const json = new ServerError('bad gateway', {
      status: 502,
      provider: 'openai',
      cause,
      headers: { a: 'b' },
    }).toJSON();
    expect(json).toEqual({
      name: 'ServerError',
      code: 'server_error',
      message: 'bad gateway',
      provider: 'openai',
      status: 502,
      retryable: true,
    });
  });

  it('keeps budget facts on the budget error', () => {
    const error = new BudgetExceededError('over', {
      scope: 'user:alice',
      limit: 5,
      spent: 4.9,
      requested: 0.2,
    });
    expect(error).toMatchObject({
      scope: 'user:alice',
      limit: 5,
      spent: 4.9,
      requested: 0.2,
      code: 'budget_exceeded',
    });
  });

  it('marks an interruption retryable only while nothing was shown', () => {
    const empty = { text: '', refusal: '', toolCalls: [], eventCount: 0 };
    expect(new StreamInterruptedError('cut', { partial: empty }).retryable).toBe(true);
    expect(
      new StreamInterruptedError('cut', { partial: { ...empty, text: 'Hel', eventCount: 1 } })
        .retryable,
    ).toBe(false);
  });
});

describe('settle', () => {
  it('returns values and typed errors instead of throwing', async () => {
    expect(await settle(Promise.resolve(42))).toEqual({ ok: true, value: 42 });
    const failed = await settle(Promise.reject(new QuotaExceededError('no credit')));
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.code).toBe('quota_exhausted');
  });

  it('wraps foreign errors so callers always get a code', async () => {
    const cause = new TypeError('boom');
    const outcome = await settle(Promise.reject(cause));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(UnexpectedError.isInstance(outcome.error)).toBe(true);
    expect(outcome.error.message).toBe('boom');
    expect(outcome.error.cause).toBe(cause);
    expect(toPlyError('text').message).toBe('text');
  });
});

describe('two installed copies of @ply/core', () => {
  const dist = fileURLToPath(new URL('../../dist', import.meta.url));
  const copyDir = mkdtempSync(join(tmpdir(), 'ply-core-copy-'));
  afterAll(() => rmSync(copyDir, { recursive: true, force: true }));

  it('recognise each other’s errors', async () => {
    cpSync(dist, join(copyDir, 'dist'), { recursive: true });
    writeFileSync(join(copyDir, 'package.json'), JSON.stringify({ type: 'module' }));
    const first = await import(pathToFileURL(join(dist, 'index.js')).href);
    const second = await import(pathToFileURL(join(copyDir, 'dist', 'index.js')).href);
    expect(first.RateLimitError).not.toBe(second.RateLimitError);

    const fromSecond = new second.ContextWindowExceededError('too long');
    expect(fromSecond instanceof first.InvalidRequestError).toBe(true);
    expect(first.ContextWindowExceededError.isInstance(fromSecond)).toBe(true);
    expect(first.PlyError.isInstance(fromSecond)).toBe(true);
    expect(first.RateLimitError.isInstance(fromSecond)).toBe(false);
    const settled = await first.settle(Promise.reject(fromSecond));
    expect(settled.error).toBe(fromSecond);
  });
});
