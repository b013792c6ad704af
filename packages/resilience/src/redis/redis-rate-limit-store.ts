import { ConfigurationError, type RateLimitDemand, UnexpectedError } from '@ply/core';
import {
  type DatedRateLimitDecision,
  type RateLimitRestamp,
  type RestampingRateLimitStore,
  validateRestamp,
} from '../limiter/rate-limit-restamp.js';
import { RedisAvailability, type RedisAvailabilityOptions } from './redis-availability.js';
import {
  ACQUIRE_SCRIPT,
  ADJUST_SCRIPT,
  EXHAUST_SCRIPT,
  RESTAMP_SCRIPT,
  SCRIPT_SHAS,
  sha1,
} from './redis-rate-limit-scripts.js';

/**
 * What the store needs of a Redis client: an ioredis `Redis` (5 or 6) fits. Scripts are
 * sent with `EVALSHA`, falling back to `EVAL` when the server does not have them yet.
 */
export interface RedisRateLimitClient {
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** ioredis connection status: a command is not sent while it is down. */
  readonly status?: string;
}

export interface RedisRateLimitStoreOptions extends RedisAvailabilityOptions {
  redis: RedisRateLimitClient;
  /**
   * Prefix of every key. Default `ply:ratelimit:`. Each limiter key's dimensions share
   * one hash tag (`{k:key}`, never empty whatever the key holds), so a script touches one
   * cluster slot. A prefix whose first `{` opens an empty tag (`{}`) is refused.
   */
  prefix?: string;
}

/*
 * Key layout, per limiter key K and dimension D:
 *   <prefix>{k:K}:D        ZSET sliding-window log: score = Redis ms, member = `ms:seq:amount`
 *   <prefix>{k:K}:D:until  epoch ms until which a 429 drained D (expires then)
 *   <prefix>{k:K}:D:total  running sum of D's log, so a decision reads only expired records
 *   <prefix>{k:K}:seq      counter making members unique
 * The `k:` keeps the tag non-empty for a key starting with `}`.
 * Every key carries a PEXPIRE of its window, so idle keys vanish on their own.
 */

/**
 * A `RateLimitStore` on Redis, shared by every process pointed at the same server and
 * prefix. The same sliding-window logs as `MemoryRateLimitStore`, with every decision
 * one Lua script on Redis's own clock (`TIME`), so N processes together never exceed one
 * limit in any window, whatever their clocks say. Keys expire with their window.
 *
 * While Redis is unreachable, `onUnavailable` decides: `fail-closed` (default) makes
 * `acquire` reject with a `ConnectionError`, `fail-open` grants every request unrecorded;
 * `adjust`, `restamp` and `exhaust` are dropped (reported) under fail-open.
 *
 * `exhaust` takes epoch ms (the caller's clock); a caller whose clock is far from
 * Redis's drains for longer or shorter by the difference.
 */
export class RedisRateLimitStore implements RestampingRateLimitStore {
  readonly #redis: RedisRateLimitClient;
  readonly #prefix: string;
  readonly #availability: RedisAvailability;

  constructor(options: RedisRateLimitStoreOptions) {
    if (!options?.redis || typeof options.redis.evalsha !== 'function') {
      throw new ConfigurationError('RedisRateLimitStore: `redis` must be an ioredis client');
    }
    this.#redis = options.redis;
    const prefix = options.prefix ?? 'ply:ratelimit:';
    if (typeof prefix !== 'string' || opensEmptyHashTag(prefix)) {
      throw new ConfigurationError(
        "RedisRateLimitStore: `prefix` must be a string whose first '{' does not open an empty hash tag ('{}')",
      );
    }
    this.#prefix = prefix;
    this.#availability = new RedisAvailability('RedisRateLimitStore', options, options.redis);
  }

  async acquire(key: string, demands: readonly RateLimitDemand[]): Promise<DatedRateLimitDecision> {
    if (demands.length === 0) return { granted: true, remaining: {} };
    const keys: string[] = [];
    const args: (string | number)[] = [demands.length];
    for (const demand of demands) {
      validateDemand(demand);
      keys.push(
        this.#log(key, demand.dimension),
        this.#until(key, demand.dimension),
        this.#total(key, demand.dimension),
      );
      args.push(String(demand.amount), String(demand.limit), Math.ceil(demand.windowMs));
    }
    keys.push(this.#seq(key));
    let reply: unknown;
    try {
      reply = await this.#run(ACQUIRE_SCRIPT, keys, args);
    } catch (error) {
      this.#availability.handle(error, 'acquire', key);
      // Failing open: granted without a record, so the fleet is unlimited until Redis is back.
      return { granted: true, remaining: {} };
    }
    if (!Array.isArray(reply)) throw unexpected('acquire', reply);
    if (Number(reply[0]) === 1) {
      const remaining: Record<string, number> = {};
      demands.forEach((demand, i) => {
        remaining[demand.dimension] = Number(reply[i + 1]);
      });
      return { granted: true, remaining, at: Number(reply[demands.length + 1]) };
    }
    const refused = demands[Number(reply[1]) - 1];
    if (!refused) throw unexpected('acquire', reply);
    const wait = Number(reply[2]);
    return {
      granted: false,
      dimension: refused.dimension,
      retryAfterMs: wait < 0 ? Number.POSITIVE_INFINITY : wait,
    };
  }

  async adjust(key: string, dimension: string, delta: number, windowMs: number): Promise<void> {
    if (!Number.isFinite(delta)) throw new RangeError('adjust: delta must be a finite number');
    if (!(Number.isFinite(windowMs) && windowMs > 0)) {
      throw new RangeError('adjust: windowMs must be positive');
    }
    if (delta === 0) return;
    try {
      await this.#run(
        ADJUST_SCRIPT,
        [this.#log(key, dimension), this.#seq(key), this.#total(key, dimension)],
        [String(delta), Math.ceil(windowMs)],
      );
    } catch (error) {
      this.#availability.handle(error, 'adjust', key);
    }
  }

  /** Dates part of a grant anew in one script (see `RateLimitRestamp`); answers Redis time. */
  async restamp(key: string, restamps: readonly RateLimitRestamp[]): Promise<number> {
    const moving = restamps.filter((restamp) => {
      validateRestamp(restamp);
      validateDimension(restamp.dimension, 'restamp');
      return restamp.amount > 0 || restamp.replaces > 0;
    });
    if (moving.length === 0) return Date.now();
    const keys: string[] = [];
    const args: (string | number)[] = [moving.length];
    for (const { dimension, amount, replaces, windowMs, recordedAt } of moving) {
      keys.push(this.#log(key, dimension), this.#total(key, dimension));
      args.push(String(amount), String(replaces), Math.ceil(windowMs), Math.floor(recordedAt));
    }
    keys.push(this.#seq(key));
    try {
      return Number(await this.#run(RESTAMP_SCRIPT, keys, args));
    } catch (error) {
      this.#availability.handle(error, 'restamp', key);
      return Date.now();
    }
  }

  async exhaust(key: string, dimension: string, untilMs: number): Promise<void> {
    if (!Number.isFinite(untilMs)) throw new RangeError('exhaust: untilMs must be finite');
    try {
      await this.#run(EXHAUST_SCRIPT, [this.#until(key, dimension)], [Math.ceil(untilMs)]);
    } catch (error) {
      this.#availability.handle(error, 'exhaust', key);
    }
  }

  #log(key: string, dimension: string): string {
    return `${this.#prefix}{k:${key}}:${dimension}`;
  }

  #until(key: string, dimension: string): string {
    return `${this.#prefix}{k:${key}}:${dimension}:until`;
  }

  #total(key: string, dimension: string): string {
    return `${this.#prefix}{k:${key}}:${dimension}:total`;
  }

  #seq(key: string): string {
    return `${this.#prefix}{k:${key}}:seq`;
  }

  async #run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    const sha = SCRIPT_SHAS.get(script) ?? sha1(script);
    return this.#availability.run(this.#redis, async () => {
      try {
        return await this.#redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!String((error as Error)?.message ?? error).startsWith('NOSCRIPT')) throw error;
        return this.#redis.eval(script, keys.length, ...keys, ...args);
      }
    });
  }
}

function validateDemand(demand: RateLimitDemand): void {
  if (!(Number.isFinite(demand.amount) && demand.amount >= 0)) {
    throw new RangeError(`acquire: ${demand.dimension} amount must be a finite number >= 0`);
  }
  if (!(Number.isFinite(demand.limit) && demand.limit > 0)) {
    throw new RangeError(`acquire: ${demand.dimension} limit must be a finite number > 0`);
  }
  if (!(Number.isFinite(demand.windowMs) && demand.windowMs > 0)) {
    throw new RangeError(`acquire: ${demand.dimension} windowMs must be > 0`);
  }
  validateDimension(demand.dimension, 'acquire');
}

function validateDimension(dimension: string, operation: string): void {
  if (dimension.includes('}') || dimension.includes('{')) {
    throw new RangeError(`${operation}: a dimension may not contain braces`);
  }
}

function unexpected(operation: string, reply: unknown): UnexpectedError {
  return new UnexpectedError(
    `RedisRateLimitStore.${operation}: unexpected reply ${JSON.stringify(reply)}`,
  );
}

/** Whether Redis Cluster would find an empty tag in a key starting `prefix` and hash it whole. */
function opensEmptyHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open !== -1 && prefix[open + 1] === '}';
}
