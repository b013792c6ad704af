import {
  AbortedError,
  AuthenticationError,
  ConnectionError,
  ContentFilterError,
  ContextWindowExceededError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  PermissionDeniedError,
  PlyError,
  type PlyErrorOptions,
  QuotaExceededError,
  RateLimitError,
  redactSecrets,
  ServerError,
  TimeoutError,
  toPlyError,
} from '@ply/core';
import OpenAI from 'openai';
import { rateLimitDimension } from './rate-limit-dimension.js';
import { metadataFromHeaders } from './response-metadata.js';

export interface ErrorContext {
  provider: string;
  /** The call's own deadline fired (as opposed to the caller aborting). */
  timedOut?: boolean;
  timeoutMs?: number;
}

/**
 * The upstream error as a plain Error with its message redacted: the SDK's own error may
 * quote the key back (a 401 does), and `cause` chains end up in logs.
 */
function sanitisedCause(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const cause = new Error(redactSecrets(source.message));
  cause.name = source.name;
  return cause;
}

function headersOf(error: InstanceType<typeof OpenAI.APIError>): Headers {
  return error.headers instanceof Headers
    ? error.headers
    : new Headers((error.headers ?? {}) as Record<string, string>);
}

/** Socket-level failures, as Node and undici name them. */
const NETWORK_CODE =
  /^(UND_ERR_|ECONNRESET$|ECONNREFUSED$|ECONNABORTED$|EPIPE$|ETIMEDOUT$|EHOSTUNREACH$|ENETUNREACH$|ENOTFOUND$|EAI_AGAIN$)/;

/**
 * The connection failed outside the SDK's own request: typically while the body of an
 * answer was read, where undici rejects with a bare `TypeError: terminated` whose cause
 * names the socket error.
 */
function isTransportFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODE.test(code)) return true;
    if (current instanceof TypeError && /^(terminated|fetch failed)$/.test(current.message)) {
      return true;
    }
    current = current.cause;
  }
  return false;
}

/** Response headers as an error keeps them: a proxy may echo a credential in one. */
function redactedHeaders(
  headers: Record<string, string>,
  secrets: readonly string[] = [],
): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, text] of Object.entries(headers)) redacted[name] = redactSecrets(text, secrets);
  return redacted;
}

/** Maps an error of the OpenAI SDK (or of the transport under it) to ply's hierarchy. */
export function mapOpenAIError(error: unknown, context: ErrorContext): PlyError {
  const { provider } = context;
  if (
    error instanceof OpenAI.APIUserAbortError ||
    (error instanceof Error && error.name === 'AbortError')
  ) {
    return context.timedOut
      ? new TimeoutError(`The call to ${provider} timed out after ${context.timeoutMs} ms`, {
          provider,
          timeoutMs: context.timeoutMs,
          phase: 'request',
          cause: sanitisedCause(error),
        })
      : new AbortedError('The call was aborted', { provider, cause: sanitisedCause(error) });
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    const after = context.timeoutMs === undefined ? '' : ` after ${context.timeoutMs} ms`;
    return new TimeoutError(`The call to ${provider} timed out${after}`, {
      provider,
      phase: 'request',
      ...(context.timeoutMs === undefined ? {} : { timeoutMs: context.timeoutMs }),
      cause: sanitisedCause(error),
    });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ConnectionError(`Could not reach ${provider}: ${error.message}`, {
      provider,
      cause: sanitisedCause(error.cause ?? error),
    });
  }
  if (isTransportFailure(error)) {
    return new ConnectionError(`The connection to ${provider} broke: ${(error as Error).message}`, {
      provider,
      cause: sanitisedCause(error),
    });
  }
  if (error instanceof SyntaxError) {
    // The SDK parsed a body that is not JSON (a Files or Batches answer cut short).
    return new InvalidResponseError(`${provider} sent a body that is not JSON: ${error.message}`, {
      provider,
      cause: sanitisedCause(error),
    });
  }
  if (!(error instanceof OpenAI.APIError) || error.status === undefined) return toPlyError(error);

  const status = error.status;
  const { meta, parsed } = metadataFromHeaders(headersOf(error));
  const body = (error.error ?? {}) as {
    message?: string;
    type?: string;
    code?: string | null;
    param?: string | null;
  };
  const code = error.code ?? body.code ?? undefined;
  const type = error.type ?? body.type;
  const options: PlyErrorOptions = {
    provider,
    status,
    requestId: error.requestID ?? meta.requestId,
    retryAfterMs: parsed.retryAfterMs,
    ...(meta.headers ? { headers: redactedHeaders(meta.headers) } : {}),
    cause: sanitisedCause(error),
  };
  if (parsed.shouldRetry !== undefined) options.retryable = parsed.shouldRetry;
  const message = `${provider} ${status}${code ? ` ${code}` : ''}: ${body.message ?? error.message}`;

  if (status === 401) return new AuthenticationError(message, options);
  if (status === 403) return new PermissionDeniedError(message, options);
  if (status === 404) return new NotFoundError(message, options);
  if (status === 408) return new TimeoutError(message, { ...options, phase: 'request' });
  if (status === 409)
    return new ServerError(message, { ...options, retryable: options.retryable ?? true });
  if (status === 429) {
    if (code === 'insufficient_quota' || type === 'insufficient_quota')
      return new QuotaExceededError(message, { ...options, retryable: false });
    const rateLimit = meta.rateLimit;
    const dimension = rateLimitDimension(body);
    return new RateLimitError(message, {
      ...options,
      ...(rateLimit ? { rateLimit } : {}),
      ...(dimension ? { dimension } : {}),
    });
  }
  if (status >= 500) return new ServerError(message, options);
  if (code === 'context_length_exceeded')
    return new ContextWindowExceededError(message, {
      ...options,
      field: redactSecrets(body.param ?? 'messages'),
    });
  if (code === 'content_filter' || code === 'content_policy_violation')
    return new ContentFilterError(message, options);
  return new InvalidRequestError(message, {
    ...options,
    ...(body.param ? { field: redactSecrets(body.param) } : {}),
  });
}

/** Every string of the chain and the headers, masked of the secrets (and anything key-shaped). */
function scrubbed(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (!(value instanceof Error) || depth >= 8) return value;
  const cause = scrubbed(value.cause, secrets, depth + 1);
  const message = redactSecrets(value.message, secrets);
  if (!PlyError.isInstance(value)) {
    if (message === value.message && cause === value.cause) return value;
    const copy = new Error(message, cause === undefined ? undefined : { cause });
    copy.name = value.name;
    return copy;
  }
  // A ply error keeps its class and fields; only its text changes.
  const fields: Record<string, unknown> = {
    message,
    stack: value.stack === undefined ? undefined : redactSecrets(value.stack, secrets),
  };
  if (cause !== value.cause) fields.cause = cause;
  if (value.headers) fields.headers = redactedHeaders(value.headers, secrets);
  for (const [name, field] of Object.entries(fields)) {
    Object.defineProperty(value, name, { value: field, writable: true, configurable: true });
  }
  // Own text fields an upstream can fill: the invalid request's `field` (the API's `param`).
  for (const [name, field] of Object.entries(value)) {
    if (typeof field === 'string') Object.assign(value, { [name]: redactSecrets(field, secrets) });
  }
  return value;
}

/**
 * The error with the provider's own credentials masked wherever it carries text: an
 * upstream may quote back a key that no pattern recognises (an Azure key, a proxy's token).
 */
export function scrubSecrets<T>(error: T, secrets: readonly string[]): T {
  return secrets.length === 0 ? error : (scrubbed(error, secrets, 0) as T);
}
