import { ConfigurationError } from '@ply/core';

/**
 * The rules of a circuit breaker, as plain numbers so that a store can take them per call
 * (the Redis store hands them to its Lua script). Every field has a default; see
 * `resolveCircuitBreakerConfig`.
 */
export interface CircuitBreakerConfig {
  /** Length of the sliding window the failure ratio is computed over. Default 30 000. */
  windowMs: number;
  /**
   * The window is kept as this many buckets of `windowMs / windowBuckets` each; the oldest
   * bucket leaves the window whole. Default 10.
   */
  windowBuckets: number;
  /** Calls the window must hold before the ratio can open the circuit. Default 10. */
  minimumThroughput: number;
  /** Failures per counted call, from 0 (exclusive) to 1, that open the circuit. Default 0.5. */
  failureRatio: number;
  /**
   * This many failures in a row open the circuit, whatever the ratio; 0 disables. A streak
   * is forgotten once the window holds no call at all. Default 5.
   */
  consecutiveFailures: number;
  /** How long the circuit first stays open before admitting probes. Default 30 000. */
  openMs: number;
  /** Each reopen in a row multiplies the open time by this. Default 2. */
  backoffFactor: number;
  /** The longest open time backoff reaches. Default 300 000. */
  maxOpenMs: number;
  /** Probes a half-open circuit lets run at once; everyone else fails fast. Default 1. */
  halfOpenProbes: number;
  /** Probe successes that close a half-open circuit. Default 1. */
  probeSuccesses: number;
  /**
   * How long a probe may run before its lease expires; an expired probe counts as a
   * failure and reopens the circuit. Make it longer than any call. Default 120 000.
   */
  probeLeaseMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER_CONFIG: Readonly<CircuitBreakerConfig> = Object.freeze({
  windowMs: 30_000,
  windowBuckets: 10,
  minimumThroughput: 10,
  failureRatio: 0.5,
  consecutiveFailures: 5,
  openMs: 30_000,
  backoffFactor: 2,
  maxOpenMs: 300_000,
  halfOpenProbes: 1,
  probeSuccesses: 1,
  probeLeaseMs: 120_000,
});

type Check = (value: number) => boolean;
const positiveInteger: Check = (v) => Number.isSafeInteger(v) && v > 0;
const nonNegativeInteger: Check = (v) => Number.isSafeInteger(v) && v >= 0;
const positiveMs: Check = (v) => Number.isFinite(v) && v > 0;

const RULES: Record<keyof CircuitBreakerConfig, [Check, string]> = {
  windowMs: [positiveMs, 'a positive number of milliseconds'],
  windowBuckets: [positiveInteger, 'a positive integer'],
  minimumThroughput: [positiveInteger, 'a positive integer'],
  failureRatio: [(v) => Number.isFinite(v) && v > 0 && v <= 1, 'a ratio above 0, at most 1'],
  consecutiveFailures: [nonNegativeInteger, 'a non-negative integer (0 disables it)'],
  openMs: [positiveMs, 'a positive number of milliseconds'],
  backoffFactor: [(v) => Number.isFinite(v) && v >= 1, 'a number of at least 1'],
  maxOpenMs: [positiveMs, 'a positive number of milliseconds'],
  halfOpenProbes: [positiveInteger, 'a positive integer'],
  probeSuccesses: [positiveInteger, 'a positive integer'],
  probeLeaseMs: [positiveMs, 'a positive number of milliseconds'],
};

/** Fills in the defaults and checks every field, naming the one that is wrong. */
export function resolveCircuitBreakerConfig(
  options: Partial<CircuitBreakerConfig> = {},
): CircuitBreakerConfig {
  const config = { ...DEFAULT_CIRCUIT_BREAKER_CONFIG };
  for (const name of Object.keys(RULES) as (keyof CircuitBreakerConfig)[]) {
    const value = options[name];
    if (value === undefined) continue;
    const [check, expected] = RULES[name];
    if (typeof value !== 'number' || !check(value)) {
      throw new ConfigurationError(
        `CircuitBreaker: \`${name}\` must be ${expected}, got ${String(value)}`,
      );
    }
    config[name] = value;
  }
  if (config.maxOpenMs < config.openMs) {
    throw new ConfigurationError(
      `CircuitBreaker: \`maxOpenMs\` (${config.maxOpenMs}) must not be below \`openMs\` (${config.openMs})`,
    );
  }
  return config;
}

/** How long the circuit stays open after `reopenCount` reopens in a row. */
export function openDurationMs(config: CircuitBreakerConfig, reopenCount: number): number {
  return Math.min(config.openMs * config.backoffFactor ** reopenCount, config.maxOpenMs);
}
