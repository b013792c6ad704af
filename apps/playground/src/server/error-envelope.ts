import {
  InvalidRequestError,
  type PlyError,
  RateLimitError,
  RateLimitWaitExceededError,
  redactSecrets,
  toPlyError,
} from '@ply/core';

/** OpenAI's error body: what every OpenAI client knows how to read. */
export interface ErrorEnvelope {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
    /** ply's typed code, so a ply-aware client sees what happened exactly. */
    ply_code: string;
  };
}

interface WireShape {
  status: number;
  type: string;
  code: string | null;
}

/** Where each ply error code lands on the wire; an upstream status wins for API errors. */
const WIRE: Readonly<Record<string, WireShape>> = {
  invalid_request: { status: 400, type: 'invalid_request_error', code: null },
  invalid_tool_arguments: { status: 400, type: 'invalid_request_error', code: null },
  unsupported: { status: 400, type: 'invalid_request_error', code: 'unsupported_parameter' },
  context_window_exceeded: {
    status: 400,
    type: 'invalid_request_error',
    code: 'context_length_exceeded',
  },
  content_filtered: { status: 400, type: 'invalid_request_error', code: 'content_filter' },
  authentication: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  permission_denied: { status: 403, type: 'invalid_request_error', code: null },
  not_found: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  provider_not_found: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  // The type is the limit that ran out (`rateLimitType`); this one when nobody named it.
  rate_limited: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  rate_limit_wait_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    code: 'rate_limit_exceeded',
  },
  quota_exhausted: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  budget_exceeded: { status: 429, type: 'insufficient_quota', code: 'budget_exceeded' },
  // The budget's store lost what was spent; nothing is granted until an operator looks.
  budget_data_lost: { status: 503, type: 'server_error', code: 'budget_data_lost' },
  server_error: { status: 500, type: 'server_error', code: null },
  invalid_response: { status: 502, type: 'server_error', code: null },
  connection: { status: 502, type: 'server_error', code: null },
  stream_interrupted: { status: 502, type: 'server_error', code: null },
  circuit_open: { status: 503, type: 'server_error', code: 'circuit_open' },
  retry_budget_exhausted: { status: 503, type: 'server_error', code: null },
  bulkhead_full: { status: 503, type: 'server_error', code: null },
  timeout: { status: 504, type: 'server_error', code: 'timeout' },
  aborted: { status: 499, type: 'invalid_request_error', code: 'aborted' },
};
const REFUSED_BEFORE_ANY_ATTEMPT: ReadonlySet<string> = new Set([
  'rate_limit_wait_exceeded',
  'circuit_open',
  'bulkhead_full',
]);
const UNEXPECTED: WireShape = { status: 500, type: 'server_error', code: null };

/**
 * OpenAI types a 429 by the limit that ran out: `requests` or `tokens`. The error names it
 * (the limiter's dimension, or the upstream's); an upstream 429 that does not may still
 * show it in its snapshot, as the one dimension with nothing remaining.
 */
function rateLimitType(error: PlyError): string | undefined {
  let dimension: string | undefined;
  if (RateLimitWaitExceededError.isInstance(error)) dimension = error.dimension;
  else if (RateLimitError.isInstance(error)) {
    dimension = error.dimension;
    const snapshot = error.rateLimit;
    if (dimension === undefined && snapshot !== undefined) {
      const requestsOut = snapshot.remainingRequests === 0;
      const tokensOut = snapshot.remainingTokens === 0;
      if (requestsOut !== tokensOut) dimension = requestsOut ? 'requests' : 'tokens';
    }
  }
  if (dimension?.startsWith('tokens')) return 'tokens';
  if (dimension?.startsWith('requests')) return 'requests';
  return undefined;
}

export interface WireError {
  status: number;
  body: ErrorEnvelope;
  /** `retry-after`, `retry-after-ms`, `x-should-retry`: so clients retry only what can succeed. */
  headers: Record<string, string>;
}

/**
 * Any failure as OpenAI's error envelope with a fitting status. `x-should-retry` carries
 * ply's verdict, so an OpenAI client does not retry what ply retried already, nor a
 * budget refusal or a quota 429.
 * Messages are redacted of anything key-shaped and of the `secrets` given.
 */
export function toWireError(failure: unknown, secrets: readonly string[] = []): WireError {
  const error: PlyError = toPlyError(failure);
  const shape = WIRE[error.code] ?? UNEXPECTED;
  // An error that carries its own status (the upstream's, or one a route chose: 404,
  // 405, 413, 415) keeps it; an abort is always 499.
  const ownStatus = error.status !== undefined && error.status >= 400 && error.status < 600;
  const status = ownStatus && shape.status !== 499 ? (error.status ?? shape.status) : shape.status;
  // ply has already retried what could succeed: a client retrying on top multiplies calls.
  // Only a refusal made before any attempt (limiter, breaker, bulkhead) is worth a retry,
  // after the wait it names.
  const refusedUntried = REFUSED_BEFORE_ANY_ATTEMPT.has(error.code);
  const headers: Record<string, string> = { 'x-should-retry': String(refusedUntried) };
  if (error.retryAfterMs !== undefined) {
    headers['retry-after-ms'] = String(Math.ceil(error.retryAfterMs));
    headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  }
  const param = InvalidRequestError.isInstance(error) ? (error.field ?? null) : null;
  return {
    status,
    headers,
    body: {
      error: {
        message: redactSecrets(error.message, secrets),
        type: rateLimitType(error) ?? shape.type,
        param,
        code: shape.code,
        ply_code: error.code,
      },
    },
  };
}
