import { InvalidResponseError, type PlyError } from '@ply/core';
import { ResponseParseError } from '@ply/response-models';
import type { CallContext } from '../call-context.js';
import { mapOpenAIError } from '../map-error.js';
import type { ProviderContext } from '../provider-context.js';

/** The SDK's per-request options for a call: its signal and extra headers. */
export function requestOptions(call: CallContext): {
  signal: AbortSignal;
  headers?: Record<string, string>;
} {
  return { signal: call.signal, ...(call.headers ? { headers: call.headers } : {}) };
}

/** A failed Files or Batches call as a ply error: SDK errors mapped, bad bodies reported. */
export function batchCallError(
  context: ProviderContext,
  call: CallContext,
  error: unknown,
  what: string,
): PlyError {
  const provider = context.id;
  if (error instanceof ResponseParseError) {
    return new InvalidResponseError(
      `${provider} sent ${what} that does not parse: ${error.message}`,
      {
        provider,
        cause: error,
      },
    );
  }
  return mapOpenAIError(error, { provider, timedOut: call.timedOut(), timeoutMs: call.timeoutMs });
}
