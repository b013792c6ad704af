import { ConfigurationError } from '@ply/core';
import type { Fault, FaultKind } from '@ply/simulator';

/** One hygiene run: what the worker does against the simulator the parent serves. */
export interface HygieneOptions {
  /** Complete and stream calls that run to their end (or to a fault's typed error). */
  calls: number;
  /** Streams aborted after their first content event, a third by each way of aborting. */
  aborted: number;
  /** Calls in flight at once; also the most keep-alive sockets the pool may hold. */
  concurrency: number;
  /** Seeds the simulator's faults. */
  seed: number;
  /**
   * What the idle-exit grace is multiplied by (`measureTimeScale()` on a loaded machine,
   * where an exiting process waits for a core too); 1 keeps the one-second requirement.
   */
  timeScale: number;
}

/** What the worker receives on its command line. */
export interface WorkerOptions extends Omit<HygieneOptions, 'seed' | 'timeScale'> {
  /** The simulator's base URL, `/v1` included, served by the parent over loopback. */
  baseURL: string;
}

/**
 * A few percent of requests misbehave, in every way that ends quickly, so the error
 * paths (retries, interrupted streams, idle timeouts, dropped sockets) run thousands of
 * times too. A stall outlasts the stream idle timeout the worker sets, so it is cut.
 */
export const HYGIENE_FAULT_RATES: Readonly<Partial<Record<FaultKind, number>>> = {
  'server-error': 0.02,
  'rate-limit': 0.01,
  'reset-before-headers': 0.01,
  'reset-after-headers': 0.01,
  'reset-after-chunks': 0.01,
  'malformed-chunk': 0.005,
  'error-event': 0.005,
  'cut-without-done': 0.005,
  stall: 0.002,
  'slow-headers': 0.002,
};

export const STREAM_IDLE_MS = 100;

export const HYGIENE_FAULTS: Partial<Record<FaultKind, Fault>> = {
  'rate-limit': { kind: 'rate-limit', retryAfterMs: 5 },
  'reset-after-chunks': { kind: 'reset-after-chunks', chunks: 2 },
  'malformed-chunk': { kind: 'malformed-chunk', afterChunks: 2 },
  'error-event': { kind: 'error-event', afterChunks: 2 },
  'cut-without-done': { kind: 'cut-without-done', afterChunks: 3 },
  stall: { kind: 'stall', ms: STREAM_IDLE_MS * 4, afterChunks: 2 },
  'slow-headers': { kind: 'slow-headers', ms: 50 },
};

/** Checks options from a command line or a test, naming the field at fault. */
export function hygieneOptions(options: Partial<HygieneOptions>): HygieneOptions {
  const resolved: HygieneOptions = {
    calls: options.calls ?? 10_000,
    aborted: options.aborted ?? 1_000,
    concurrency: options.concurrency ?? 16,
    seed: options.seed ?? 1,
    timeScale: options.timeScale ?? 1,
  };
  for (const field of ['calls', 'aborted', 'concurrency'] as const) {
    const value = resolved[field];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new ConfigurationError(`hygiene: ${field} must be a positive integer, got ${value}`);
    }
  }
  if (!(Number.isFinite(resolved.timeScale) && resolved.timeScale >= 1)) {
    throw new ConfigurationError(
      `hygiene: timeScale must be a number >= 1, got ${resolved.timeScale}`,
    );
  }
  if (!Number.isSafeInteger(resolved.seed)) {
    throw new ConfigurationError(`hygiene: seed must be an integer, got ${resolved.seed}`);
  }
  return resolved;
}
