import { type Clock, ConfigurationError, ConnectionError, UnexpectedError } from '@ply/core';
import { fromBudgetUnits, toBudgetUnits } from '../budgets/units.js';
import {
  normalizeScopes,
  type WindowedBudgetDecision,
  type WindowedBudgetScopeLimit,
  type WindowedBudgetStore,
} from '../budgets/windowed-budget-store.js';
import { FINISH_SCRIPT, RESERVE_SCRIPT, SPENT_SCRIPT, sha1 } from './redis-budget-scripts.js';

/**
 * What the store needs of a Redis client: an ioredis `Redis` (5 or 6) fits. Commands are
 * sent with `EVALSHA`, falling back to `EVAL` when the server lacks the script.
 */
export interface RedisScriptClient {
  /** ioredis's connection status: `ready`, `reconnecting`, `end`... */
  readonly status: string;
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
}

export type RedisBudgetOperation = 'reserve' | 'settle' | 'release' | 'spent';

export interface RedisUnavailableInfo {
  operation: RedisBudgetOperation;
  reservationId?: string;
  error: unknown;
}

export interface RedisBudgetStoreOptions {
  redis: RedisScriptClient;
  /** Prefix of every key. Default `ply:budget:`. On a cluster use a hash tag: `{budget}:`. */
  prefix?: string;
  /**
   * How long a reservation holds its money without being settled or released, so a
   * process that crashed mid-call cannot hold it forever. Default one hour: longer than
   * any call. A settlement after it counts nothing.
   */
  reservationTtlMs?: number;
  /**
   * When Redis cannot be reached (or answers too slowly): `fail-closed` (default) throws
   * a `ConnectionError`, so the call is refused; `fail-open` grants reservations with
   * `degraded: true` and drops settlements and releases, calling `onFailOpen` each time.
   * `spent` throws either way.
   */
  onUnavailable?: 'fail-open' | 'fail-closed';
  /** Longest wait for one Redis answer before Redis counts as unavailable. Default 2000. */
  timeoutMs?: number;
  /**
   * The time that decides reservation deadlines and rolling windows. Default: Redis's own
   * clock (`TIME`), which every process shares. Tests pass a `ManualClock`.
   */
  clock?: Clock;
  /** Called when a decision was taken without Redis under `fail-open`. */
  onFailOpen?: (info: RedisUnavailableInfo) => void;
}

/** ioredis statuses in which a command cannot be sent now. */
const DOWN_STATUSES = new Set(['reconnecting', 'close', 'end']);

/** Replies by which Redis says it cannot serve now, rather than that the script is wrong. */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY)\b/;

class RedisUnavailable extends Error {}

/**
 * A `BudgetStore` on Redis, shared by every process pointed at the same server and prefix.
 * `reserve`, `settle`, `release` and `spent` are each one Lua script (see
 * `redis-budget-scripts.ts` for the key layout), so no two processes can both pass a
 * check that only one fits in. Amounts are integer sub-units (1e-8), so sums stay exact.
 */
export class RedisBudgetStore implements WindowedBudgetStore {
  readonly supportsRollingWindows = true as const;
  readonly #redis: RedisScriptClient;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #failOpen: boolean;
  readonly #timeoutMs: number;
  readonly #clock: Clock | undefined;
  readonly #onFailOpen: ((info: RedisUnavailableInfo) => void) | undefined;

  constructor(options: RedisBudgetStoreOptions) {
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
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'ply:budget:';
    this.#ttlMs = ttl;
    this.#failOpen = mode === 'fail-open';
    this.#timeoutMs = timeout;
    this.#clock = options.clock;
    this.#onFailOpen = options.onFailOpen;
  }

  async reserve(
    reservationId: string,
    amount: number,
    scopes: readonly WindowedBudgetScopeLimit[],
  ): Promise<WindowedBudgetDecision> {
    const units = toBudgetUnits(amount, 'amount');
    const normalized = normalizeScopes(scopes);
    const keys = [this.#reservationKey(reservationId)];
    const args: (string | number)[] = [
      reservationId,
      String(units),
      this.#ttlMs,
      this.#now(),
      normalized.length,
    ];
    for (const entry of normalized) {
      keys.push(...this.#scopeKeys(entry.scope));
      args.push(
        entry.scope,
        String(entry.limitUnits),
        entry.expiresAt === undefined ? '' : String(entry.expiresAt),
        entry.windowMs === undefined ? '' : String(entry.windowMs),
      );
    }
    let reply: unknown;
    try {
      reply = await this.#run(RESERVE_SCRIPT, keys, args);
    } catch (error) {
      this.#unavailable('reserve', reservationId, error);
      return { reserved: true, degraded: true };
    }
    if (!Array.isArray(reply)) throw unexpectedReply('reserve', reply);
    if (Number(reply[0]) === 1) return { reserved: true };
    const refused = normalized[Number(reply[1]) - 1];
    if (!refused) throw unexpectedReply('reserve', reply);
    return {
      reserved: false,
      scope: refused.scope,
      limit: refused.limit,
      spent: fromBudgetUnits(Number(reply[2])),
    };
  }

  /**
   * Records `actualAmount` as spent in every scope still holding the reservation, above
   * or below what was reserved. Unknown or expired reservations are ignored.
   */
  async settle(reservationId: string, actualAmount: number): Promise<void> {
    const units = toBudgetUnits(actualAmount, 'actualAmount');
    await this.#finish('settle', reservationId, String(units));
  }

  async release(reservationId: string): Promise<void> {
    await this.#finish('release', reservationId, '');
  }

  async spent(scope: string): Promise<number> {
    let reply: unknown;
    try {
      reply = await this.#run(SPENT_SCRIPT, this.#scopeKeys(scope), [this.#now()]);
    } catch (error) {
      if (!(error instanceof RedisUnavailable)) throw error;
      throw unavailableError('spent', error, 'the spending cannot be read');
    }
    const units = Number(reply);
    if (!Number.isFinite(units)) throw unexpectedReply('spent', reply);
    return fromBudgetUnits(units);
  }

  async #finish(
    operation: 'settle' | 'release',
    reservationId: string,
    actual: string,
  ): Promise<void> {
    try {
      await this.#run(
        FINISH_SCRIPT,
        [this.#reservationKey(reservationId)],
        [reservationId, actual, this.#now(), this.#prefix, this.#ttlMs],
      );
    } catch (error) {
      this.#unavailable(operation, reservationId, error);
    }
  }

  /** Under fail-open, reports and returns; under fail-closed, throws a `ConnectionError`. */
  #unavailable(operation: RedisBudgetOperation, reservationId: string, error: unknown): void {
    if (!(error instanceof RedisUnavailable)) throw error;
    if (!this.#failOpen) {
      throw unavailableError(
        operation,
        error,
        "onUnavailable is 'fail-closed', so nothing was " +
          (operation === 'reserve' ? 'reserved and the call is refused' : 'recorded'),
      );
    }
    try {
      this.#onFailOpen?.({ operation, reservationId, error: error.cause });
    } catch {
      // A listener's failure must not turn fail-open into a failure.
    }
  }

  #now(): string {
    return this.#clock ? String(Math.floor(this.#clock.now())) : '';
  }

  #reservationKey(reservationId: string): string {
    return `${this.#prefix}reservation:${reservationId}`;
  }

  #scopeKeys(scope: string): [string, string, string] {
    return [
      `${this.#prefix}scope:${scope}`,
      `${this.#prefix}holds:${scope}`,
      `${this.#prefix}window:${scope}`,
    ];
  }

  /**
   * Runs a script, bounded by `timeoutMs`. Connection trouble becomes `RedisUnavailable`;
   * a script error (a bug, not an outage) becomes an `UnexpectedError`.
   */
  async #run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    const redis = this.#redis;
    if (DOWN_STATUSES.has(redis.status)) {
      throw new RedisUnavailable(`the client is ${redis.status}`);
    }
    const call = evaluate(redis, script, keys, args);
    call.catch(() => {}); // Settled after a timeout: nobody awaits it any more.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisUnavailable(`no answer within ${this.#timeoutMs}ms`)),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([call, timeout]);
    } catch (error) {
      if (error instanceof RedisUnavailable) throw error;
      if (isScriptError(error)) {
        throw new UnexpectedError(`RedisBudgetStore: a budget script failed: ${messageOf(error)}`, {
          cause: error,
        });
      }
      throw new RedisUnavailable(messageOf(error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

async function evaluate(
  redis: RedisScriptClient,
  script: string,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(shaOf(script), keys.length, ...keys, ...args);
  } catch (error) {
    if (!messageOf(error).startsWith('NOSCRIPT')) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}

const shas = new Map<string, string>();
function shaOf(script: string): string {
  let sha = shas.get(script);
  if (!sha) {
    sha = sha1(script);
    shas.set(script, sha);
  }
  return sha;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A reply from the server saying the script failed, as opposed to a lost connection. */
function isScriptError(error: unknown): boolean {
  return (
    error instanceof Error && error.name === 'ReplyError' && !UNAVAILABLE_REPLY.test(error.message)
  );
}

function unavailableError(
  operation: RedisBudgetOperation,
  error: unknown,
  consequence: string,
): ConnectionError {
  const reason = error instanceof RedisUnavailable ? error.message : messageOf(error);
  const cause = error instanceof RedisUnavailable ? (error.cause ?? error) : error;
  return new ConnectionError(
    `RedisBudgetStore: Redis is unavailable for ${operation} (${reason}); ${consequence}`,
    { cause },
  );
}

function unexpectedReply(operation: RedisBudgetOperation, reply: unknown): UnexpectedError {
  return new UnexpectedError(
    `RedisBudgetStore: unexpected reply to ${operation}: ${JSON.stringify(reply)}`,
  );
}
