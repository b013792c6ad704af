import {
  ContentFilterError,
  InvalidRequestError,
  ServerError,
  TimeoutError,
  UnexpectedError,
} from '@ply/core';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { mapOpenAIError } from './map-error.js';

const apiError = (
  status: number,
  error: Record<string, unknown>,
  headers: Record<string, string> = {},
) => OpenAI.APIError.generate(status, { error }, undefined, new Headers(headers));

describe('mapOpenAIError', () => {
  it('lets x-should-retry overrule the status', () => {
    const no = mapOpenAIError(
      apiError(500, { message: 'boom', type: 'server_error' }, { 'x-should-retry': 'false' }),
      { provider: 'openai' },
    );
    expect(ServerError.isInstance(no) && no.retryable).toBe(false);
    const yes = mapOpenAIError(
      apiError(400, { message: 'retry me' }, { 'x-should-retry': 'true' }),
      { provider: 'openai' },
    );
    expect(yes.retryable).toBe(true);
  });

  it('maps 408, 409 and 422 as the retry rules need', () => {
    expect(
      TimeoutError.isInstance(
        mapOpenAIError(apiError(408, { message: 'slow' }), { provider: 'openai' }),
      ),
    ).toBe(true);
    const conflict = mapOpenAIError(apiError(409, { message: 'conflict' }), { provider: 'openai' });
    expect(ServerError.isInstance(conflict) && conflict.retryable).toBe(true);
    const unprocessable = mapOpenAIError(apiError(422, { message: 'bad', param: 'input' }), {
      provider: 'openai',
    });
    expect(InvalidRequestError.isInstance(unprocessable) && unprocessable.field).toBe('input');
  });

  it('recognises content filters (Azure) and keeps request id and hints', () => {
    const filtered = mapOpenAIError(
      apiError(
        400,
        { message: 'filtered', code: 'content_filter' },
        { 'x-request-id': 'req_9', 'retry-after-ms': '50' },
      ),
      { provider: 'azure' },
    );
    expect(ContentFilterError.isInstance(filtered)).toBe(true);
    expect(filtered).toMatchObject({
      provider: 'azure',
      requestId: 'req_9',
      retryAfterMs: 50,
      status: 400,
    });
  });

  it('tells a deadline from a caller abort', () => {
    const abort = new OpenAI.APIUserAbortError();
    expect(
      mapOpenAIError(abort, { provider: 'openai', timedOut: true, timeoutMs: 100 }),
    ).toMatchObject({ code: 'timeout', timeoutMs: 100 });
    expect(mapOpenAIError(abort, { provider: 'openai' }).code).toBe('aborted');
  });

  it('wraps what it does not know', () => {
    expect(
      UnexpectedError.isInstance(mapOpenAIError(new RangeError('odd'), { provider: 'openai' })),
    ).toBe(true);
  });
});
