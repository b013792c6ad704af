import { type BudgetSettlement, RECORDED } from '../budgets/budget-settlement.js';
import { fromBudgetUnits, toBudgetUnits } from '../budgets/units.js';
import {
  type NormalizedBudgetScope,
  normalizeScopes,
  type WindowedBudgetDecision,
  type WindowedBudgetScopeLimit,
  type WindowedBudgetStore,
} from '../budgets/windowed-budget-store.js';
import { type HeldReservation, HeldReservations } from './held-reservations.js';
import { type KeptAttempt, type KeptSettlement, KeptSettlements } from './kept-settlements.js';
import { KeySpaceGeneration } from './key-space-generation.js';
import { type RedisBudgetStoreEvent, settlementFacts } from './redis-budget-events.js';
import {
  type RedisBudgetOperation,
  type RedisBudgetSettings,
  type RedisBudgetStoreOptions,
  redisBudgetSettings,
} from './redis-budget-options.js';
import {
  CHARGE_SCRIPT,
  FINISH_SCRIPT,
  RESERVE_SCRIPT,
  SPENT_SCRIPT,
} from './redis-budget-scripts.js';
import {
  RedisUnavailable,
  runScript,
  unavailableError,
  unexpectedReply,
} from './redis-script-runner.js';

export type {
  RedisBudgetOperation,
  RedisBudgetStoreOptions,
  RedisUnavailableInfo,
} from './redis-budget-options.js';
export type { RedisScriptClient } from './redis-script-runner.js';

/** A script's answer after its generation head: the rest, or the data was lost. */
type Answer = unknown[] | 'lost';

/**
 * A `BudgetStore` on Redis, shared by every process pointed at the same server and prefix.
 * `reserve`, `settle`, `release` and `spent` are each one Lua script (see
 * `redis-budget-scripts.ts` for the key layout), so no two processes can both pass a
 * check that only one fits in. Amounts are integer sub-units (1e-8), so sums stay exact.
 * Every script checks the key space's generation marker, so a Redis that lost its data
 * is noticed (see `onDataLoss`) rather than taken for a budget nobody has spent.
 */
export class RedisBudgetStore implements WindowedBudgetStore {
  readonly supportsRollingWindows = true as const;
  readonly #settings: RedisBudgetSettings;
  readonly #generation: KeySpaceGeneration;
  readonly #kept = new KeptSettlements();
  readonly #held = new HeldReservations();
  /** Whether a `ready` listener waits to record what is kept. */
  #waitingForReady = false;

  constructor(options: RedisBudgetStoreOptions) {
    this.#settings = redisBudgetSettings(options);
    const { prefix, onDataLoss } = this.#settings;
    this.#generation = new KeySpaceGeneration(`${prefix}generation`, onDataLoss, (event) =>
      this.#report(event),
    );
  }

  /** How many settlements and releases are kept, waiting for Redis. */
  get keptSettlements(): number {
    return this.#kept.size;
  }

  /**
   * After a data loss the store refused (`onDataLoss: 'refuse'`), goes on from what Redis
   * holds now: the spending recorded before the loss is forgotten, and the settlements
   * kept meanwhile are charged on the next operation.
   */
  acknowledgeDataLoss(): void {
    this.#generation.acknowledgeLoss();
  }

  async reserve(
    reservationId: string,
    amount: number,
    scopes: readonly WindowedBudgetScopeLimit[],
  ): Promise<WindowedBudgetDecision> {
    const units = toBudgetUnits(amount, 'amount');
    const normalized = normalizeScopes(scopes);
    await this.#recordKept();
    const startedAt = this.#localNow();
    const keys = [this.#reservationKey(reservationId)];
    const args: (string | number)[] = [
      reservationId,
      String(units),
      this.#settings.ttlMs,
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
    let answer: Answer;
    try {
      answer = await this.#script('reserve', RESERVE_SCRIPT, keys, args);
    } catch (error) {
      this.#releaseIfApplied(reservationId, error);
      this.#unavailable(reservationId, error);
      this.#remember(reservationId, startedAt, undefined, normalized);
      return { reserved: true, degraded: true };
    }
    if (answer === 'lost') throw this.#generation.lostError('reserve');
    if (Number(answer[0]) === 1) {
      this.#remember(reservationId, startedAt, this.#generation.current, normalized);
      return { reserved: true };
    }
    const refused = normalized[Number(answer[1]) - 1];
    if (!refused) throw unexpectedReply('reserve', answer);
    return {
      reserved: false,
      scope: refused.scope,
      limit: refused.limit,
      spent: fromBudgetUnits(Number(answer[2])),
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
   * reached (or lost its data and the store refuses), with `later` resolving once it is
   * recorded (true) or lost (false).
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
    let answer: Answer;
    try {
      answer = await this.#script('spent', SPENT_SCRIPT, this.#scopeKeys(scope), [this.#now()]);
    } catch (error) {
      if (!(error instanceof RedisUnavailable)) throw error;
      throw unavailableError('spent', error, 'the spending cannot be read');
    }
    if (answer === 'lost') throw this.#generation.lostError('reading the spending');
    const units = Number(answer[0]);
    if (!Number.isFinite(units)) throw unexpectedReply('spent', answer);
    return fromBudgetUnits(units);
  }

  async #finishOrKeep(
    operation: 'settle' | 'release',
    reservationId: string,
    amount: number | undefined,
    units: string,
  ): Promise<BudgetSettlement> {
    await this.#recordKept();
    const held = this.#held.take(reservationId);
    const settlement: KeptSettlement = { operation, reservationId, amount, units, held };
    const outcome = await this.#attempt(settlement, false);
    if (typeof outcome !== 'object') return RECORDED;
    settlement.maybeApplied = outcome.sent;
    return { recorded: false, later: this.#keep(settlement, outcome.reason) };
  }

  /**
   * One try at recording a settlement or release. On a retry, a reservation Redis no longer
   * holds was recorded by an attempt that seemed to fail, or expired first (lost).
   */
  async #attempt(settlement: KeptSettlement, retry: boolean): Promise<KeptAttempt> {
    let answer: Answer;
    try {
      if (this.#neverInRedis(settlement.held)) return await this.#charge(settlement);
      answer = await this.#finish(settlement);
    } catch (error) {
      if (!(error instanceof RedisUnavailable)) throw error;
      return { kept: true, sent: error.sent, reason: error.cause ?? error };
    }
    if (answer === 'lost') return this.#refusedForLoss();
    if (Number(answer[0]) === 1) return 'recorded';
    // The data was lost (and reset) since it was reserved: charge what was spent.
    if (this.#neverInRedis(settlement.held)) return this.#attempt(settlement, retry);
    if (!retry) return 'recorded'; // An unknown or expired reservation: ignored.
    const { held } = settlement;
    const alive = held !== undefined && this.#localNow() < held.until;
    return alive || settlement.maybeApplied === true ? 'recorded' : 'lost';
  }

  /**
   * Whether Redis never held the reservation in the key space as it is now: granted
   * without Redis (fail-open), or made before the data was lost.
   */
  #neverInRedis(held: HeldReservation | undefined): boolean {
    return held !== undefined && held.generation !== this.#generation.current;
  }

  /** Drops the reservation's holds and, when settling, records what was spent. */
  #finish(settlement: KeptSettlement): Promise<Answer> {
    const { operation, reservationId, units } = settlement;
    const { prefix, ttlMs } = this.#settings;
    return this.#script(
      operation,
      FINISH_SCRIPT,
      [this.#reservationKey(reservationId)],
      [reservationId, units, this.#now(), prefix, ttlMs],
    );
  }

  /** Charges a settlement to the scopes of a reservation Redis does not hold; a release has nothing to give back. */
  async #charge(settlement: KeptSettlement): Promise<KeptAttempt> {
    const { held, operation, reservationId, units } = settlement;
    if (operation === 'release' || !held) return 'recorded';
    const { prefix, ttlMs } = this.#settings;
    const keys = [`${prefix}charged:${reservationId}`];
    const args: (string | number)[] = [
      reservationId,
      units,
      ttlMs,
      this.#now(),
      held.scopes.length,
    ];
    for (const scope of held.scopes) {
      keys.push(...this.#scopeKeys(scope.scope));
      args.push(
        scope.expiresAt === undefined ? '' : String(scope.expiresAt),
        scope.windowMs === undefined ? '' : String(scope.windowMs),
      );
    }
    const answer = await this.#script('settle', CHARGE_SCRIPT, keys, args);
    return answer === 'lost' ? this.#refusedForLoss() : 'recorded';
  }

  #refusedForLoss(): KeptAttempt {
    return {
      kept: true,
      sent: false,
      reason: this.#generation.lostError('recording a settlement'),
    };
  }

  #keep(settlement: KeptSettlement, reason: unknown): Promise<boolean> {
    const later = this.#kept.keep(settlement);
    this.#report({ type: 'settlement-kept', ...settlementFacts(settlement), error: reason });
    this.#recordWhenReady();
    return later;
  }

  /** Tries to record what is kept; the operation that called it goes on either way. */
  #recordKept(): Promise<void> {
    return this.#kept.flush(
      (settlement) => this.#attempt(settlement, true),
      (settlement, recorded) =>
        this.#report({
          type: recorded ? 'settlement-recorded' : 'settlement-lost',
          ...settlementFacts(settlement),
        }),
    );
  }

  /** Records what is kept as soon as an ioredis client is ready again. */
  #recordWhenReady(): void {
    const { redis } = this.#settings;
    if (this.#waitingForReady || typeof redis.once !== 'function') return;
    this.#waitingForReady = true;
    redis.once('ready', () => {
      this.#waitingForReady = false;
      this.#recordKept().then(
        () => {
          if (this.#kept.size > 0 && redis.status !== 'ready') this.#recordWhenReady();
        },
        () => {},
      );
    });
  }

  #remember(
    reservationId: string,
    startedAt: number,
    generation: string | undefined,
    scopes: readonly NormalizedBudgetScope[],
  ): void {
    const { ttlMs } = this.#settings;
    // A tenth of the TTL spare, for the clocks of this host and of Redis to disagree.
    const until = startedAt + ttlMs - ttlMs / 10;
    this.#held.remember(reservationId, { until, generation, scopes }, this.#localNow());
  }

  /**
   * A refused reservation whose script may have run all the same (it timed out, or the
   * connection broke under it): under fail-closed the call is refused, so nothing will
   * ever settle it, and its hold would stay until `reservationTtlMs`. A release is kept
   * for it, recorded once Redis answers (a reservation Redis never made is ignored).
   */
  #releaseIfApplied(reservationId: string, error: unknown): void {
    if (this.#settings.failOpen || !(error instanceof RedisUnavailable) || !error.sent) return;
    const release: KeptSettlement = {
      operation: 'release',
      reservationId,
      amount: undefined,
      units: '',
      held: undefined,
      maybeApplied: true,
    };
    void this.#keep(release, error.cause ?? error);
  }

  /** A reservation without Redis: under fail-open, reported; under fail-closed, a `ConnectionError`. */
  #unavailable(reservationId: string, error: unknown): void {
    if (!(error instanceof RedisUnavailable)) throw error;
    if (!this.#settings.failOpen) {
      throw unavailableError(
        'reserve',
        error,
        "onUnavailable is 'fail-closed', so nothing was reserved and the call is refused",
      );
    }
    try {
      this.#settings.onFailOpen?.({ operation: 'reserve', reservationId, error: error.cause });
    } catch {
      // A listener's failure must not turn fail-open into a failure.
    }
  }

  #report(event: RedisBudgetStoreEvent): void {
    try {
      this.#settings.onEvent?.(event);
    } catch {
      // A listener's failure must not change what was recorded.
    }
  }

  #localNow(): number {
    return this.#settings.clock ? this.#settings.clock.now() : Date.now();
  }

  #now(): string {
    const { clock } = this.#settings;
    return clock ? String(Math.floor(clock.now())) : '';
  }

  #reservationKey(reservationId: string): string {
    return `${this.#settings.prefix}reservation:${reservationId}`;
  }

  #scopeKeys(scope: string): [string, string, string] {
    const { prefix } = this.#settings;
    return [`${prefix}scope:${scope}`, `${prefix}holds:${scope}`, `${prefix}window:${scope}`];
  }

  /** Runs a script with the generation marker and arguments in front, and reads its head. */
  async #script(
    operation: RedisBudgetOperation,
    script: string,
    keys: string[],
    args: (string | number)[],
  ): Promise<Answer> {
    const { redis, health, timeoutMs } = this.#settings;
    const generation = this.#generation;
    const reply = await runScript(
      redis,
      health,
      timeoutMs,
      script,
      [generation.marker, ...keys],
      [...generation.args(), ...args],
    );
    const read = generation.read(reply);
    if (!read) throw unexpectedReply(operation, reply);
    return read.lost ? 'lost' : read.body;
  }
}
