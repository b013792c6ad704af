import { randomUUID } from 'node:crypto';
import { type Clock, ConfigurationError, systemClock } from '@ply/core';
import { LRUCache } from 'lru-cache';
import type { CacheClaim, CacheStore } from './cache-store.js';

export interface MemoryCacheStoreOptions {
  /** Most answers kept; the least recently used go first. Default 1000. */
  maxEntries?: number;
  /** Most bytes (UTF-8) of answers kept together. Default 64 MiB. */
  maxBytes?: number;
  /** Largest answer kept, in bytes; larger ones are not stored. Default 4 MiB. */
  maxEntryBytes?: number;
  /** The time TTLs and leases run on. Tests pass a `ManualClock`. */
  clock?: Clock;
}

interface Lease {
  token: string;
  until: number;
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isSafeInteger(value) && value > 0)) {
    throw new ConfigurationError(
      `MemoryCacheStore: \`${name}\` must be a positive integer, got ${value}`,
    );
  }
  return value;
}

/**
 * Answers in this process's memory, in an LRU (`lru-cache`) bounded by entries and by
 * bytes, each with its TTL. Its leases make concurrent identical calls in the process wait
 * for one. Every method answers at once.
 */
export class MemoryCacheStore implements CacheStore {
  readonly #entries: LRUCache<string, string>;
  readonly #leases = new Map<string, Lease>();
  readonly #clock: Clock;

  constructor(options: MemoryCacheStoreOptions = {}) {
    const maxEntries = positiveInteger('maxEntries', options.maxEntries ?? 1000);
    const maxBytes = positiveInteger('maxBytes', options.maxBytes ?? 64 * 1024 * 1024);
    const maxEntryBytes = positiveInteger(
      'maxEntryBytes',
      options.maxEntryBytes ?? Math.min(maxBytes, 4 * 1024 * 1024),
    );
    this.#clock = options.clock ?? systemClock;
    this.#entries = new LRUCache<string, string>({
      max: maxEntries,
      maxSize: maxBytes,
      maxEntrySize: maxEntryBytes,
      sizeCalculation: (payload) => Math.max(1, Buffer.byteLength(payload)),
      // TTLs on the injected clock, read on each access rather than cached for a moment.
      // Shifted by 1 ms: lru-cache reads an entry stored at time 0 as having no TTL, and a
      // test clock starts there.
      perf: { now: () => this.#clock.now() + 1 },
      ttlResolution: 0,
    });
  }

  /** Answers kept now. */
  get size(): number {
    return this.#entries.size;
  }

  claim(key: string, leaseMs: number): Promise<CacheClaim> {
    return Promise.resolve(this.claimSync(key, leaseMs));
  }

  claimSync(key: string, leaseMs: number): CacheClaim {
    const payload = this.#entries.get(key);
    if (payload !== undefined) return { status: 'hit', payload };
    const now = this.#clock.now();
    const held = this.#leases.get(key);
    if (held !== undefined && held.until > now) {
      return { status: 'busy', retryInMs: held.until - now };
    }
    const token = randomUUID();
    this.#leases.set(key, { token, until: now + leaseMs });
    return { status: 'leased', token };
  }

  fill(key: string, payload: string, ttlMs: number, token?: string): Promise<boolean> {
    if (token !== undefined) this.#drop(key, token);
    this.#entries.set(key, payload, { ttl: ttlMs });
    return Promise.resolve(this.#entries.has(key));
  }

  release(key: string, token: string): Promise<void> {
    this.#drop(key, token);
    return Promise.resolve();
  }

  renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    const held = this.#leases.get(key);
    if (held?.token !== token) return Promise.resolve(false);
    held.until = this.#clock.now() + leaseMs;
    return Promise.resolve(true);
  }

  delete(key: string): Promise<void> {
    this.#entries.delete(key);
    return Promise.resolve();
  }

  #drop(key: string, token: string): void {
    if (this.#leases.get(key)?.token === token) this.#leases.delete(key);
  }
}
