import { type CallOptions, TimeoutError } from '@ply/core';

/** The signal, deadline and headers of one call, released when the call ends. */
export interface CallContext {
  signal: AbortSignal;
  headers: Record<string, string> | undefined;
  timeoutMs: number;
  /** True when the call's own deadline fired, rather than the caller aborting. */
  timedOut(): boolean;
  release(): void;
}

export function openCall(
  options: CallOptions,
  defaultTimeoutMs: number,
  provider: string,
): CallContext {
  const timeoutMs = options.timeout ?? defaultTimeoutMs;
  const deadline = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    deadline.abort(
      new TimeoutError(`The call to ${provider} timed out after ${timeoutMs} ms`, {
        provider,
        timeoutMs,
        phase: 'request',
      }),
    );
  }, timeoutMs);
  const signal = options.signal
    ? AbortSignal.any([options.signal, deadline.signal])
    : deadline.signal;
  return {
    signal,
    headers: options.headers,
    timeoutMs,
    timedOut: () => expired,
    release: () => clearTimeout(timer),
  };
}

/**
 * Request options for a call whose whole life is one SDK request (not a stream). The SDK
 * already bounds such a call with its own `timeout`, so no second deadline is armed, and
 * a signal is passed only when the caller gave one: each signal the SDK combines costs
 * more than the rest of the adapter's work on a call.
 */
export function sdkRequestOptions(options: CallOptions, defaultTimeoutMs: number) {
  return {
    timeout: options.timeout ?? defaultTimeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  };
}
