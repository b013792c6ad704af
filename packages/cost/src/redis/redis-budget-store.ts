import { type Clock, ConfigurationError, ConnectionError, UnexpectedError } from '@ply/core';
import { type BudgetSettlement, RECORDED } from '../budgets/budget-settlement.js';
import { fromBudgetUnits, toBudgetUnits } from '../budgets/units.js';
import {
  normalizeScopes,
  type WindowedBudgetDecision,
  type WindowedBudgetScopeLimit,
  type WindowedBudgetStore,
} from '../budgets/windowed-budget-store.js';
import { type KeptAttempt, type KeptSettlement, KeptSettlements } from './kept-settlements.js';
import type { RedisBudgetStoreEvent } from './redis-budget-events.js';
import { FINISH_SCRIPT, RESERVE_SCRIPT, SPENT_SCRIPT } from './redis-budget-scripts.js';
import {
  messageOf,
  type RedisScriptClient,
  RedisUnavailable,
  runScript,
} from './redis-script-runner.js';

export type { RedisScriptClient } from './redis-script-runner.js';

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
   * When Redis cannot be reached (or answers too slowly) for a reservation: `fail-closed`
   * (default) throws a `ConnectionError`, so the call is refused before the network;
   * `fail-open` grants it with `degraded: true` and calls `onFailOpen`. `spent` throws
   * either way. Settlements and releases are never dropped nor thrown in either mode:
   * the money was spent, so the store keeps them in memory and records them on its next
   * operation once Redis answers (or as soon as an ioredis client is `ready` again),
   * reporting each through `onEvent`.
   */
  onUnavailable?: 'fail-open' | 'fail-closed';
  /** Longest wait for one Redis answer before Redis counts as unavailable. Default 2000. */
  timeoutMs?: number;
  /**
   * The time that decides reservation deadlines and rolling windows. Default: Redis's own
   * clock (`TIME`), which every process shares. Tests pass a `ManualClock`.
   */
  clock?: Clock;
  /** Called when a reservation was granted without Redis under `fail-open`. */
  onFailOpen?: (info: RedisUnavailableInfo) => void;
  /** Called for settlements kept while Redis was unreachable, and when each is recorded or lost. */
  onEvent?: (event: RedisBudgetStoreEvent) => void;
}

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
  readonly #onEvent: ((event: RedisBudgetStoreEvent) => void) | undefined;
  readonly #kept = new KeptSettlements();
  /** Reservation id → until when (store time) its record surely lives in Redis. */
  readonly #heldUntil = new Map<string, number>();
  /** Whether a `ready` listener waits to record what is kept. */
  #waitingForReady = false;

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
    this.#onEvent = options.onEvent;
  }

  /** How many settlements and releases are kept, waiting for Redis. */
  get keptSettlements(): number {
    return this.#kept.size;
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
    await this.#recordKept();
    const startedAt = this.#localNow();
    let reply: unknown;
    try {
      reply = await this.#run(RESERVE_SCRIPT, keys, args);
    } catch (error) {
      this.#unavailable(reservationId, error);
      return { reserved: true, degraded: true };
    }
    if (!Array.isArray(reply)) throw unexpectedReply('reserve', reply);
    if (Number(reply[0]) === 1) {
      this.#remember(reservationId, startedAt);
      return { reserved: true };
    }
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
   * or below what was reserved. Unknown or expired reservations are ignored. When Redis
   * cannot be reached, the settlement is kept and recorded later (see `settleOrKeep`).
   */
  async settle(reservationId: string, actualAmount: number): Promise<void> {
    await this.settleOrKeep(reservationId, actualAmount);
  }

  async release(reservationId: string): Promise<void> {
    await this.releaseOrKeep(reservationId);
  }

  /**
   * `settle`, saying what became of it: recorded now, or kept because Redis could not be
   * reached, with `later` resolving once it is recorded (true) or lost (false).
   */
  settleOrKeep(reservationId: string, actualAmount: number): Promise<BudgetSettlement> {
    const units = toBudgetUnits(actualAmount, 'actualAmount');
    return this.#finishOrKeep('settle', reservationId, actualAmount, String(units));
  }

  /** `release`, saying what became of it, as `settleOrKeep` does. */
  releaseOrKeep(reservationId: string): Promise<BudgetSettlement> {
    return this.#finishOrKeep('release', reservationId, undefined, '');
  }

  async spent(scope: string): Promise<number> {
    await this.#recordKept();
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

  async #finishOrKeep(
    operation: 'settle' | 'release',
    reservationId: string,
    amount: number | undefined,
    actual: string,
  ): Promise<BudgetSettlement> {
    await this.#recordKept();
    const heldUntil = this.#heldUntil.get(reservationId);
    this.#heldUntil.delete(reservationId);
    try {
      await this.#finish(reservationId, actual);
      return RECORDED;
    } catch (error) {
      if (!(error instanceof RedisUnavailable)) throw error;
      const settlement = { operation, reservationId, amount, maybeApplied: error.sent, heldUntil };
      return { recorded: false, later: this.#keep(settlement, error) };
    }
  }

  /** Runs the finish script; 1 when Redis held the reservation, 0 when it did not. */
  async #finish(reservationId: string, actual: string): Promise<number> {
    const reply = await this.#run(
      FINISH_SCRIPT,
      [this.#reservationKey(reservationId)],
      [reservationId, actual, this.#now(), this.#prefix, this.#ttlMs],
    );
    return Number(reply);
  }

  #keep(settlement: KeptSettlement, error: RedisUnavailable): Promise<boolean> {
    const later = this.#kept.keep(settlement);
    this.#report({ type: 'settlement-kept', ...facts(settlement), error: error.cause ?? error });
    this.#recordWhenReady();
    return later;
  }

  /** Tries to record what is kept; the operation that called it goes on either way. */
  #recordKept(): Promise<void> {
    return this.#kept.flush(
      (settlement) => this.#retry(settlement),
      (settlement, recorded) =>
        this.#report({
          type: recorded ? 'settlement-recorded' : 'settlement-lost',
          ...facts(settlement),
        }),
    );
  }

  async #retry(settlement: KeptSettlement): Promise<KeptAttempt> {
    const actual =
      settlement.amount === undefined ? '' : String(toBudgetUnits(settlement.amount, 'amount'));
    let held: number;
    try {
      held = await this.#finish(settlement.reservationId, actual);
    } catch (error) {
      if (error instanceof RedisUnavailable) return { unavailable: true, sent: error.sent };
      throw error;
    }
    if (held === 1) return 'recorded';
    // Redis no longer holds the reservation: either an attempt that seemed to fail recorded
    // it, or it expired before Redis came back (then the spending cannot be recorded).
    const alive = settlement.heldUntil !== undefined && this.#localNow() < settlement.heldUntil;
    return alive || settlement.maybeApplied ? 'recorded' : 'lost';
  }

  /** Records what is kept as soon as an ioredis client is ready again. */
  #recordWhenReady(): void {
    if (this.#waitingForReady || typeof this.#redis.once !== 'function') return;
    this.#waitingForReady = true;
    this.#redis.once('ready', () => {
      this.#waitingForReady = false;
      this.#recordKept().then(
        () => {
          if (this.#kept.size > 0 && this.#redis.status !== 'ready') this.#recordWhenReady();
        },
        () => {},
      );
    });
  }

  /** Remembers until when a reservation made at `startedAt` surely lives in Redis. */
  #remember(reservationId: string, startedAt: number): void {
    const now = this.#localNow();
    // Oldest first: drop what outlived its TTL (reservations nobody settled).
    for (const [id, until] of this.#heldUntil) {
      if (until > now) break;
      this.#heldUntil.delete(id);
    }
    // A tenth of the TTL spare, for the clocks of this host and of Redis to disagree.
    this.#heldUntil.set(reservationId, startedAt + this.#ttlMs - this.#ttlMs / 10);
  }

  #localNow(): number {
    return this.#clock ? this.#clock.now() : Date.now();
  }

  #report(event: RedisBudgetStoreEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // A listener's failure must not change what was recorded.
    }
  }

  /** A reservation without Redis: under fail-open, reported; under fail-closed, a `ConnectionError`. */
  #unavailable(reservationId: string, error: unknown): void {
    if (!(error instanceof RedisUnavailable)) throw error;
    if (!this.#failOpen) {
      throw unavailableError(
        'reserve',
        error,
        "onUnavailable is 'fail-closed', so nothing was reserved and the call is refused",
      );
    }
    try {
      this.#onFailOpen?.({ operation: 'reserve', reservationId, error: error.cause });
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

  #run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    return runScript(this.#redis, this.#timeoutMs, script, keys, args);
  }
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

/** What an event says of a kept settlement. */
function facts({ operation, reservationId, amount }: KeptSettlement) {
  return { operation, reservationId, ...(amount === undefined ? {} : { amount }) };
}

function unexpectedReply(operation: RedisBudgetOperation, reply: unknown): UnexpectedError {
  return new UnexpectedError(
    `RedisBudgetStore: unexpected reply to ${operation}: ${JSON.stringify(reply)}`,
  );
}
