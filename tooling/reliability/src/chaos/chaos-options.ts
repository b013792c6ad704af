import { ConfigurationError } from '@ply/core';
import type { Fault, FaultKind } from '@ply/simulator';

export interface ChaosOptions {
  /** How long new calls are started; calls in flight then finish. */
  durationMs: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Seeds the simulator's faults and the workload: the same seed makes the same calls. */
  seed: number;
  /** Share of calls that stream, 0 to 1. */
  streamShare: number;
  /** Probability of each fault per request. */
  faultRates: Partial<Record<FaultKind, number>>;
  /**
   * What the simulator enforces per minute; ply's limiter is set to 90% of it. The default
   * binds after about a quarter of a minute at full speed.
   */
  rateLimits: { rpm: number; tpm: number };
  /**
   * What real-time limits are multiplied by (`measureTimeScale()` on a loaded machine);
   * 1 keeps `CHAOS_TIMEOUTS` as they are.
   */
  timeScale: number;
  /**
   * Keeps the budget, the limiter and the breaker in one Redis that is killed (SIGKILL)
   * and restarted while the soak runs. Without it every store is in memory.
   */
  redis?: RedisChaos;
}

/** Redis outages during a soak. */
export interface RedisChaos {
  /** What Redis keeps across a restart: `aof` everything it acknowledged, `none` nothing. */
  persistence: 'none' | 'aof';
  /** How long Redis runs between kills. */
  upMs: number;
  /** How long it stays dead before it is restarted. */
  downMs: number;
}

/**
 * About one request in four misbehaves: every way the API is seen to fail, at rates high
 * enough that a short run meets each several times.
 */
export const DEFAULT_FAULT_RATES: Readonly<Partial<Record<FaultKind, number>>> = {
  'rate-limit': 0.04,
  quota: 0.01,
  'server-error': 0.04,
  'reset-before-headers': 0.02,
  'reset-after-headers': 0.02,
  'reset-after-chunks': 0.03,
  'malformed-chunk': 0.02,
  'malformed-body': 0.02,
  'error-event': 0.01,
  'cut-without-done': 0.01,
  stall: 0.01,
  'slow-headers': 0.01,
};

/** The stack's timeouts on an idle machine; the faults' parameters are set against them. */
export const CHAOS_TIMEOUTS = {
  /** The retry deadline of a call, attempts and sleeps. */
  deadlineMs: 8_000,
  attemptTimeoutMs: 2_000,
  /** A stream that sends nothing for this long after its first token is cut. */
  idleMs: 500,
  firstTokenMs: 2_000,
  /** A call not settled this long after its deadline counts as hung. */
  hangGraceMs: 5_000,
} as const;

export type ChaosTimeouts = { readonly [K in keyof typeof CHAOS_TIMEOUTS]: number };

/**
 * The timeouts stretched by `timeScale`: on a machine that gives this process a fifth of
 * a core, a healthy stream's chunks arrive five times further apart, and an idle limit
 * sized for an idle machine would cut it as if it had stalled.
 */
export function chaosTimeouts(timeScale: number): ChaosTimeouts {
  const scaled = Object.entries(CHAOS_TIMEOUTS).map(([name, ms]) => [
    name,
    Math.round(ms * timeScale),
  ]);
  return Object.fromEntries(scaled) as ChaosTimeouts;
}

/**
 * Fault parameters: a stall outlasts the idle timeout (a stream that stalls is cut, typed);
 * slow headers stay under the attempt timeout (the answer arrives late, but whole).
 */
export function chaosFaults(timeouts: ChaosTimeouts): Partial<Record<FaultKind, Fault>> {
  return {
    'rate-limit': { kind: 'rate-limit', retryAfterMs: 100 },
    'reset-after-chunks': { kind: 'reset-after-chunks', chunks: 4 },
    'malformed-chunk': { kind: 'malformed-chunk', afterChunks: 3 },
    'error-event': { kind: 'error-event', afterChunks: 3 },
    'cut-without-done': { kind: 'cut-without-done', afterChunks: 5 },
    stall: { kind: 'stall', ms: timeouts.idleMs * 3, afterChunks: 2 },
    'slow-headers': { kind: 'slow-headers', ms: timeouts.attemptTimeoutMs / 4 },
  };
}

/** What the simulator enforces when `rateLimits` is not given. */
export const DEFAULT_RATE_LIMITS: Readonly<ChaosOptions['rateLimits']> = {
  rpm: 12_000,
  tpm: 600_000,
};

/** Checks options from a command line or a test, naming the field at fault. */
export function chaosOptions(options: Partial<ChaosOptions>): ChaosOptions {
  const resolved: ChaosOptions = {
    durationMs: options.durationMs ?? 15_000,
    concurrency: options.concurrency ?? 50,
    seed: options.seed ?? 1,
    streamShare: options.streamShare ?? 0.5,
    faultRates: options.faultRates ?? DEFAULT_FAULT_RATES,
    rateLimits: options.rateLimits ?? DEFAULT_RATE_LIMITS,
    timeScale: options.timeScale ?? 1,
    ...(options.redis ? { redis: options.redis } : {}),
  };
  const positiveInteger = (field: string, value: number) => {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new ConfigurationError(`chaos: ${field} must be a positive integer, got ${value}`);
    }
  };
  positiveInteger('durationMs', resolved.durationMs);
  positiveInteger('concurrency', resolved.concurrency);
  positiveInteger('rateLimits.rpm', resolved.rateLimits.rpm);
  positiveInteger('rateLimits.tpm', resolved.rateLimits.tpm);
  if (!(Number.isFinite(resolved.timeScale) && resolved.timeScale >= 1)) {
    throw new ConfigurationError(
      `chaos: timeScale must be a number >= 1, got ${resolved.timeScale}`,
    );
  }
  if (resolved.redis) {
    positiveInteger('redis.upMs', resolved.redis.upMs);
    positiveInteger('redis.downMs', resolved.redis.downMs);
    if (resolved.redis.persistence !== 'none' && resolved.redis.persistence !== 'aof') {
      throw new ConfigurationError(
        `chaos: redis.persistence must be 'none' or 'aof', got ${String(resolved.redis.persistence)}`,
      );
    }
  }
  if (!Number.isSafeInteger(resolved.seed)) {
    throw new ConfigurationError(`chaos: seed must be an integer, got ${resolved.seed}`);
  }
  if (!(resolved.streamShare >= 0 && resolved.streamShare <= 1)) {
    throw new ConfigurationError(
      `chaos: streamShare must be between 0 and 1, got ${resolved.streamShare}`,
    );
  }
  return resolved;
}
