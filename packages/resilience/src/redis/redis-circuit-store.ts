import { type CircuitState, type Clock, ConfigurationError, UnexpectedError } from '@ply/core';
import {
  type BreakerCircuitStore,
  type CircuitAdmission,
  type CircuitDetails,
  closedDetails,
} from '../breaker/breaker-store.js';
import type { CircuitBreakerConfig } from '../breaker/circuit-breaker-config.js';
import { RedisAvailability, type RedisAvailabilityOptions } from './redis-availability.js';
import { CIRCUIT_SCRIPT, CIRCUIT_SCRIPT_SHA1 } from './redis-circuit-script.js';

/**
 * What the store needs of a Redis client: an ioredis `Redis` (5 or 6) fits. Commands are
 * sent with `EVALSHA`, falling back to `EVAL` when the server lacks the script.
 */
export interface RedisCircuitClient {
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** ioredis connection status: a command is not sent while it is down. */
  readonly status?: string;
}

export interface RedisCircuitStoreOptions extends RedisAvailabilityOptions {
  redis: RedisCircuitClient;
  /** Prefix of every key. Default `ply:circuit:`. */
  prefix?: string;
  /**
   * The time that decides every transition. Default: Redis's own clock (`TIME`), which
   * every process shares. Tests pass a `ManualClock`.
   */
  clock?: Clock;
}

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open', 'isolated'];

/**
 * A circuit store on Redis, shared by every process pointed at the same server and prefix:
 * a fleet trips, probes and closes one circuit per key together. `admit`, `record`,
 * `snapshot`, `force` and `release` are each one run of a Lua script (see
 * `redis-circuit-script.ts` for the key layout), so N processes together admit at most
 * `halfOpenProbes` probes. Keys expire once they no longer matter; an isolated circuit
 * stays until it is reset. While Redis is unreachable, `onUnavailable` decides:
 * `fail-closed` (default) makes `admit` reject with a `ConnectionError` (so the call is
 * not made), `fail-open` admits every call and drops records; the breaker passes a failed
 * `record` to its `onStoreError` and still returns the call's result.
 */
export class RedisCircuitStore implements BreakerCircuitStore {
  readonly #redis: RedisCircuitClient;
  readonly #prefix: string;
  readonly #clock: Clock | undefined;
  readonly #availability: RedisAvailability;

  constructor(options: RedisCircuitStoreOptions) {
    if (!options?.redis || typeof options.redis.evalsha !== 'function') {
      throw new ConfigurationError('RedisCircuitStore: `redis` must be an ioredis client');
    }
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'ply:circuit:';
    this.#clock = options.clock;
    this.#availability = new RedisAvailability('RedisCircuitStore', options, options.redis);
  }

  async admit(key: string, config: CircuitBreakerConfig): Promise<CircuitAdmission> {
    let reply: unknown;
    try {
      reply = await this.#run(key, 'admit', config, []);
    } catch (error) {
      this.#availability.handle(error, 'admit', key);
      // Failing open: every call goes through, as if the circuit were closed.
      return { admitted: true, state: 'closed' };
    }
    if (!Array.isArray(reply) || reply.length !== 3) throw unexpectedReply('admit', reply);
    const state = toState(reply[2], 'admit', reply);
    if (Number(reply[0]) === 1) {
      const lease = String(reply[1] ?? '');
      return lease === '' ? { admitted: true, state } : { admitted: true, lease, state };
    }
    const wait = Number(reply[1]);
    if (!Number.isFinite(wait)) throw unexpectedReply('admit', reply);
    return {
      admitted: false,
      retryAfterMs: wait < 0 ? Number.POSITIVE_INFINITY : wait,
      state,
    };
  }

  async record(
    key: string,
    outcome: 'success' | 'failure',
    config: CircuitBreakerConfig,
    lease?: string,
  ): Promise<CircuitDetails> {
    try {
      return toDetails(await this.#run(key, 'record', config, [outcome, lease ?? '']), 'record');
    } catch (error) {
      this.#availability.handle(error, 'record', key);
      // A dropped record: nothing known, so nothing to act on.
      return closedDetails();
    }
  }

  async release(key: string, lease: string): Promise<void> {
    try {
      await this.#run(key, 'release', undefined, [lease]);
    } catch (error) {
      this.#availability.handle(error, 'release', key);
    }
  }

  async snapshot(key: string): Promise<CircuitDetails> {
    try {
      return toDetails(await this.#run(key, 'snapshot', undefined, []), 'snapshot');
    } catch (error) {
      this.#availability.handle(error, 'snapshot', key, true);
      throw error;
    }
  }

  async force(key: string, state: 'isolated' | 'closed'): Promise<void> {
    if (state !== 'isolated' && state !== 'closed') {
      throw new ConfigurationError(
        `RedisCircuitStore.force: state must be 'isolated' or 'closed', got ${String(state)}`,
      );
    }
    try {
      await this.#run(key, 'force', undefined, [state]);
    } catch (error) {
      this.#availability.handle(error, 'force', key, true);
    }
  }

  async #run(
    key: string,
    op: string,
    config: CircuitBreakerConfig | undefined,
    extra: string[],
  ): Promise<unknown> {
    const args: (string | number)[] = [
      op,
      this.#clock ? String(this.#clock.now()) : '',
      ...configArgs(config),
      ...extra,
    ];
    const redisKey = this.#prefix + key;
    return this.#availability.run(this.#redis, async () => {
      try {
        return await this.#redis.evalsha(CIRCUIT_SCRIPT_SHA1, 1, redisKey, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await this.#redis.eval(CIRCUIT_SCRIPT, 1, redisKey, ...args);
      }
    });
  }
}

function configArgs(config: CircuitBreakerConfig | undefined): string[] {
  if (!config) return Array.from({ length: 11 }, () => '');
  return [
    config.windowMs,
    config.windowBuckets,
    config.minimumThroughput,
    config.failureRatio,
    config.consecutiveFailures,
    config.openMs,
    config.backoffFactor,
    config.maxOpenMs,
    config.halfOpenProbes,
    config.probeSuccesses,
    config.probeLeaseMs,
  ].map(String);
}

function toState(value: unknown, operation: string, reply: unknown): CircuitState {
  const state = STATES.find((candidate) => candidate === value);
  if (!state) throw unexpectedReply(operation, reply);
  return state;
}

function toDetails(reply: unknown, operation: string): CircuitDetails {
  if (!Array.isArray(reply) || reply.length !== 9) throw unexpectedReply(operation, reply);
  const [state, openedAt, openUntil, reopenCount, calls, failures, consec, probes, successes] =
    reply as unknown[];
  const details: CircuitDetails = {
    state: toState(state, operation, reply),
    reopenCount: Number(reopenCount),
    calls: Number(calls),
    failures: Number(failures),
    consecutiveFailures: Number(consec),
    probesInFlight: Number(probes),
    probeSuccesses: Number(successes),
  };
  if (openedAt !== '') details.openedAt = Number(openedAt);
  if (openUntil !== '') details.openUntil = Number(openUntil);
  return details;
}

function unexpectedReply(operation: string, reply: unknown): UnexpectedError {
  return new UnexpectedError(
    `RedisCircuitStore.${operation}: unexpected reply from Redis: ${JSON.stringify(reply)}`,
  );
}
