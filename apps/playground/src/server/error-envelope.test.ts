import { InvalidResponseError, RateLimitError, RateLimitWaitExceededError } from '@ply/core';
import { BudgetDataLostError } from '@ply/cost';
import { describe, expect, it } from 'vitest';
import { toWireError } from './error-envelope.js';

describe('a rate-limit refusal on the wire', () => {
  it('is typed by the limit the error names, as OpenAI types its 429s', () => {
    const cases: [Error, string][] = [
      [new RateLimitWaitExceededError('wait', { dimension: 'tokens' }), 'tokens'],
      [new RateLimitWaitExceededError('wait', { dimension: 'tokens-per-day' }), 'tokens'],
      [new RateLimitWaitExceededError('wait', { dimension: 'requests' }), 'requests'],
      [new RateLimitWaitExceededError('wait', { dimension: 'requests-per-day' }), 'requests'],
      [new RateLimitError('429', { status: 429, dimension: 'tokens' }), 'tokens'],
      [new RateLimitError('429', { status: 429, dimension: 'requests' }), 'requests'],
    ];
    for (const [error, type] of cases) {
      const wire = toWireError(error);
      expect(wire.status).toBe(429);
      expect(wire.body.error, type).toMatchObject({ type, code: 'rate_limit_exceeded' });
    }
  });

  it('reads the limit from the upstream snapshot when the error does not name it', () => {
    const tokens = new RateLimitError('429', {
      status: 429,
      rateLimit: { remainingRequests: 12, remainingTokens: 0 },
    });
    expect(toWireError(tokens).body.error.type).toBe('tokens');
    const requests = new RateLimitError('429', {
      status: 429,
      rateLimit: { remainingRequests: 0, remainingTokens: 900 },
    });
    expect(toWireError(requests).body.error.type).toBe('requests');
  });

  it('does not claim a limit nobody named', () => {
    const unknown = toWireError(new RateLimitWaitExceededError('wait'));
    expect(unknown.status).toBe(429);
    expect(unknown.body.error.type).toBe('rate_limit_error');
  });
});

describe('an upstream body that breaks its own format', () => {
  it('is a 502: the gateway got a bad answer from upstream', () => {
    const wire = toWireError(
      new InvalidResponseError('openai sent a body that is not JSON', { provider: 'openai' }),
    );
    expect(wire.status).toBe(502);
    expect(wire.body.error).toMatchObject({ type: 'server_error', ply_code: 'invalid_response' });
    expect(wire.headers['x-should-retry']).toBe('false');
  });
});

describe('a budget whose store lost its data', () => {
  it('is a 503 that says so and is not retried: spending is unknown until an operator looks', () => {
    const wire = toWireError(
      new BudgetDataLostError('RedisBudgetStore: the budget data was lost', {
        marker: 'ply:budget:generation',
      }),
    );
    expect(wire.status).toBe(503);
    expect(wire.body.error).toMatchObject({ type: 'server_error', code: 'budget_data_lost' });
    expect(wire.headers['x-should-retry']).toBe('false');
  });
});
