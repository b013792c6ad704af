import { randomUUID } from 'node:crypto';
import { ConfigurationError, type StoreHealth, storeHealthFor, UnexpectedError } from '@ply/core';
import type { CacheClaim, CacheStore } from '../cache-store.js';
import { type CacheScript, CLAIM, FILL, RELEASE, RENEW } from './redis-cache-scripts.js';
import { evalScript, type RedisCacheClient, runCommand } from './redis-script-client.js';

export interface RedisCacheStoreOptions {
  redis: RedisCacheClient;
  /** Prefix of every key. Default `ply:cache:`. Each answer's keys carry their own hash tag. */
  prefix?: string;
  /** Largest answer stored, in bytes (UTF-8); larger ones are not stored. Default 1 MiB. */
  maxEntryBytes?: number;
  /** Longest wait for one Redis answer before Redis counts as unavailable. Default 1000. */
  timeoutMs?: number;
  /**
   * The verdict on whether Redis answers, shared with the other stores on it. Default
   * `storeHealthFor(redis)`: every ply store given the same client shares one.
   */
  health?: StoreHealth;
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new ConfigurationError(`RedisCacheStore: \`${name}\` must be a number > 0, got ${value}`);
  }
  return value;
}

/**
 * Answers on Redis, shared by a fleet: each under its key with a TTL (`PX`), and a lease
 * key beside it through which one process of the fleet calls the provider while the
 * others wait. Every step is one Lua script; every command is bounded by `timeoutMs` and
 * throws a `ConnectionError` when Redis does not answer, which the cache treats as a miss
 * (it fails open). Nothing here needs Redis persistence: a Redis that lost its data only
 * loses answers, which are produced again. Bound Redis's memory with `maxmemory` and a
 * `volatile-lru` or `allkeys-lru` policy: every answer has a TTL.
 */
export class RedisCacheStore implements CacheStore {
  readonly #redis: RedisCacheClient;
  readonly #prefix: string;
  readonly #maxEntryBytes: number;
  readonly #timeoutMs: number;
  readonly #health: StoreHealth;

  constructor(options: RedisCacheStoreOptions) {
    if (!options?.redis || typeof options.redis.evalsha !== 'function') {
      throw new ConfigurationError('RedisCacheStore: `redis` must be an ioredis client');
    }
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'ply:cache:';
    if (typeof this.#prefix !== 'string') {
      throw new ConfigurationError('RedisCacheStore: `prefix` must be a string');
    }
    this.#maxEntryBytes = positive('maxEntryBytes', options.maxEntryBytes ?? 1024 * 1024);
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs ?? 1_000);
    this.#health = options.health ?? storeHealthFor(options.redis);
  }

  async claim(key: string, leaseMs: number): Promise<CacheClaim> {
    const token = randomUUID();
    const reply = await this.#run(CLAIM, key, [token, Math.ceil(leaseMs)]);
    if (Array.isArray(reply)) {
      const [status, value] = reply as [unknown, unknown];
      if (status === 'hit' && typeof value === 'string') return { status, payload: value };
      if (status === 'leased') return { status, token };
      // A lease without expiry cannot happen through this store; read it as about to end.
      if (status === 'busy') return { status, retryInMs: Math.max(0, Number(value)) };
    }
    throw new UnexpectedError(
      `RedisCacheStore: unexpected reply to claim: ${JSON.stringify(reply)}`,
    );
  }

  async fill(key: string, payload: string, ttlMs: number, token?: string): Promise<boolean> {
    if (Buffer.byteLength(payload) > this.#maxEntryBytes) {
      if (token !== undefined) await this.release(key, token);
      return false;
    }
    await this.#run(FILL, key, [payload, Math.ceil(ttlMs), token ?? '']);
    return true;
  }

  async release(key: string, token: string): Promise<void> {
    await this.#run(RELEASE, key, [token]);
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    return (await this.#run(RENEW, key, [token, Math.ceil(leaseMs)])) === 1;
  }

  async delete(key: string): Promise<void> {
    const [answer] = this.#keys(key);
    await runCommand(this.#redis, this.#health, this.#timeoutMs, () => this.#redis.del(answer));
  }

  /** The answer's key and its lease's, in one cluster slot through the key's own hash tag. */
  #keys(key: string): [string, string] {
    const answer = `${this.#prefix}{${key}}`;
    return [answer, `${answer}:lease`];
  }

  #run(script: CacheScript, key: string, args: (string | number)[]): Promise<unknown> {
    const keys = this.#keys(key);
    return runCommand(this.#redis, this.#health, this.#timeoutMs, () =>
      evalScript(this.#redis, script, keys, args),
    );
  }
}
