import type { CircuitSnapshot, CircuitState, CircuitStore } from '@ply/core';
import type { CircuitBreakerConfig } from './circuit-breaker-config.js';

/** A snapshot with the counters behind it, as the breaker's own stores report it. */
export interface CircuitDetails extends CircuitSnapshot {
  /** Epoch ms when the circuit last opened. */
  openedAt?: number;
  /** Counted calls (successes plus failures) in the sliding window. */
  calls: number;
  /** Failures in the sliding window. */
  failures: number;
  /** Failures in a row, across the window. */
  consecutiveFailures: number;
  /** Half-open only: probes holding a lease now. */
  probesInFlight: number;
  /** Half-open only: probes that succeeded since it half-opened. */
  probeSuccesses: number;
}

/** `CircuitStore.admit`'s answer, with the state that decided it (the breaker's stores add it). */
export type CircuitAdmission =
  | { admitted: true; lease?: string; state?: CircuitState }
  | { admitted: false; retryAfterMs: number; state?: CircuitState };

/**
 * A `CircuitStore` as the breaker uses it. `release` is optional: it frees a probe's slot
 * without a verdict (the probe got a 429, or its caller aborted). A store without it lets
 * such a lease run out, which counts as a failed probe.
 */
export interface BreakerCircuitStore extends CircuitStore<CircuitBreakerConfig> {
  release?(key: string, lease: string): Promise<void>;
}

/** A circuit nothing is known of: closed, no calls counted. */
export function closedDetails(): CircuitDetails {
  return {
    state: 'closed',
    reopenCount: 0,
    calls: 0,
    failures: 0,
    consecutiveFailures: 0,
    probesInFlight: 0,
    probeSuccesses: 0,
  };
}
