import { type Clock, ConfigurationError, type StoreHealth, storeHealthFor } from '@ply/core';
import type { RedisBudgetStoreEvent } from './redis-budget-events.js';
import type { RedisScriptClient } from './redis-script-runner.js';

export type RedisBudgetOperation = 'reserve' | 'settle' | 'release' | 'spent';

export interface RedisUnavailableInfo {
  operation: RedisBudgetOperation;
  reservationId?: string;
  error: unknown;
}

export interface RedisBudgetStoreOptions {
  redis: RedisScriptClient;
  /**
   * Prefix of every key. Default `{ply:budget}:`. Its hash tag (`{...}`) keeps every key of
   * the budget in one cluster slot, as scripts that touch several scopes need on a Redis
   * Cluster; on a cluster client a prefix without one is refused.
   */
  prefix?: string;
  /**
   * How long a reservation holds its money without being settled or released, so a
   * process that crashed mid-call cannot hold it forever. Default one hour: longer than
   * any call. A settlement after it counts nothing.
   */
  reservationTtlMs?: number;
  /**
   * When Redis cannot be reached (or answers too slowly) for a reservation: `fail-closed`
   * (default) throws a `ConnectionError`, so the call is refused before the network;
   * `fail-open` grants it with `degraded: true` and calls `onFailOpen`. `spent` throws
   * either way. Settlements and releases are never dropped nor thrown in either mode:
   * the money was spent, so the store keeps them in memory and records them on its next
   * operation once Redis answers (or as soon as an ioredis client is `ready` again),
   * reporting each through `onEvent`. What was spent on a reservation granted without
   * Redis is charged to its scopes then.
   */
  onUnavailable?: 'fail-open' | 'fail-closed';
  /**
   * When Redis has lost the budget data this store has seen (its generation marker,
   * `<prefix>generation`, is gone or replaced: a restart without persistence, a flush, an
   * eviction): `refuse` throws `BudgetDataLostError` from `reserve` and `spent` and keeps
   * settlements until `acknowledgeDataLoss()`; `reset` goes on from what Redis holds now
   * (the spending before the loss is forgotten). Either way `onEvent` hears `data-lost`.
   * Default: `refuse` under `fail-closed`, `reset` under `fail-open`.
   */
  onDataLoss?: 'refuse' | 'reset';
  /** Longest wait for one Redis answer before Redis counts as unavailable. Default 2000. */
  timeoutMs?: number;
  /**
   * The verdict on whether Redis answers, shared with the other stores on it, so a call in
   * an outage waits out one timeout rather than one per store. Default
   * `storeHealthFor(redis)`: every store given the same client shares one.
   */
  health?: StoreHealth;
  /**
   * The time that decides reservation deadlines and rolling windows. Default: Redis's own
   * clock (`TIME`), which every process shares. Tests pass a `ManualClock`.
   */
  clock?: Clock;
  /** Called when a reservation was granted without Redis under `fail-open`. */
  onFailOpen?: (info: RedisUnavailableInfo) => void;
  /** Called for kept settlements (kept, recorded, lost) and when the budget data was lost. */
  onEvent?: (event: RedisBudgetStoreEvent) => void;
}

/** The options checked, with their defaults. */
export interface RedisBudgetSettings {
  redis: RedisScriptClient;
  prefix: string;
  ttlMs: number;
  failOpen: boolean;
  onDataLoss: 'refuse' | 'reset';
  timeoutMs: number;
  health: StoreHealth;
  clock: Clock | undefined;
  onFailOpen: ((info: RedisUnavailableInfo) => void) | undefined;
  onEvent: ((event: RedisBudgetStoreEvent) => void) | undefined;
}

export function redisBudgetSettings(options: RedisBudgetStoreOptions): RedisBudgetSettings {
  if (!options?.redis || typeof options.redis.evalsha !== 'function') {
    throw new ConfigurationError('RedisBudgetStore: `redis` must be an ioredis client');
  }
  const ttl = options.reservationTtlMs ?? 3_600_000;
  if (!Number.isSafeInteger(ttl) || ttl <= 0) {
    throw new ConfigurationError(
      'RedisBudgetStore: `reservationTtlMs` must be a positive integer of milliseconds',
    );
  }
  const timeout = options.timeoutMs ?? 2000;
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new ConfigurationError('RedisBudgetStore: `timeoutMs` must be a positive number');
  }
  const mode = options.onUnavailable ?? 'fail-closed';
  if (mode !== 'fail-open' && mode !== 'fail-closed') {
    throw new ConfigurationError(
      `RedisBudgetStore: \`onUnavailable\` must be 'fail-open' or 'fail-closed', got ${String(mode)}`,
    );
  }
  const onDataLoss = options.onDataLoss ?? (mode === 'fail-open' ? 'reset' : 'refuse');
  if (onDataLoss !== 'refuse' && onDataLoss !== 'reset') {
    throw new ConfigurationError(
      `RedisBudgetStore: \`onDataLoss\` must be 'refuse' or 'reset', got ${String(onDataLoss)}`,
    );
  }
  const prefix = options.prefix ?? '{ply:budget}:';
  if (typeof prefix !== 'string') {
    throw new ConfigurationError('RedisBudgetStore: `prefix` must be a string');
  }
  if (options.redis.isCluster === true && !hasHashTag(prefix)) {
    throw new ConfigurationError(
      `RedisBudgetStore: \`prefix\` must hold a hash tag on a Redis Cluster, such as '{budget}:', so every budget key lives in one slot; got '${prefix}'`,
    );
  }
  return {
    redis: options.redis,
    prefix,
    ttlMs: ttl,
    failOpen: mode === 'fail-open',
    onDataLoss,
    timeoutMs: timeout,
    health: options.health ?? storeHealthFor(options.redis),
    clock: options.clock,
    onFailOpen: options.onFailOpen,
    onEvent: options.onEvent,
  };
}

/** Whether Redis Cluster would hash `key` by a tag: the first `{`, then a `}` after it with something between. */
function hasHashTag(key: string): boolean {
  const open = key.indexOf('{');
  if (open === -1) return false;
  const close = key.indexOf('}', open + 1);
  return close > open + 1;
}
