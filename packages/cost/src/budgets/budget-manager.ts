import { randomUUID } from 'node:crypto';
import {
  BudgetExceededError,
  type BudgetStore,
  type Clock,
  ConfigurationError,
  systemClock,
} from '@ply/core';
import type { BudgetEvent } from './budget-events.js';
import {
  type AppliedLimit,
  applyLimit,
  type BudgetCall,
  type BudgetLimit,
  type BudgetScopeKind,
  displayValue,
  limitsForCall,
  type NormalizedBudgetLimit,
  normalizeLimits,
} from './budget-limits.js';
import { type BudgetPeriod, periodBucket } from './budget-period.js';
import { BudgetThresholds } from './budget-thresholds.js';
import {
  type BudgetReservation,
  HeldReservation,
  type ReservationHost,
} from './held-reservation.js';

export type { BudgetReservation, BudgetSettleOptions } from './held-reservation.js';

import { MemoryBudgetStore } from './memory-budget-store.js';
import { fromBudgetUnits, toBudgetUnits } from './units.js';
import {
  mergeDuplicateScopes,
  supportsRollingWindows,
  type WindowedBudgetDecision,
  type WindowedBudgetScopeLimit,
} from './windowed-budget-store.js';

export interface BudgetManagerOptions {
  limits: readonly BudgetLimit[];
  /**
   * Where spending is kept. Default: a `MemoryBudgetStore` on `clock`. Share a
   * `RedisBudgetStore` (`@ply/cost/redis`) to hold one budget across processes. Rolling
   * periods need a store with `supportsRollingWindows` (both of this package's do).
   */
  store?: BudgetStore;
  /** Decides the calendar period (UTC) a call falls in. Default: the system clock. */
  clock?: Clock;
  /** Called synchronously for every budget event; an error it throws is ignored. */
  onEvent?: (event: BudgetEvent) => void;
}

export interface BudgetReserveRequest extends BudgetCall {
  /** The most the call can cost, such as the price of its prompt plus `max_tokens`. */
  amount: number;
}

/** One configured limit as it stands now, for one scope key. */
export interface BudgetLimitStatus {
  /** The store key, such as `user:alice:daily:2026-11-21`. */
  scope: string;
  kind: BudgetScopeKind;
  /** The value the row is for (API keys as fingerprints); absent for `global`. */
  value?: string;
  period: BudgetPeriod;
  limit: number;
  /** Spent plus reserved. */
  spent: number;
  /** `limit - spent`, never below zero. */
  remaining: number;
  /** Epoch ms when a calendar period starts afresh. */
  resetsAt?: number;
}

const PRUNE_INTERVAL_MS = 60_000;

/** What one reservation is checked against and charged in. */
interface ChargePlan {
  applied: readonly AppliedLimit[];
  scopes: readonly WindowedBudgetScopeLimit[];
}

/**
 * Hard budgets checked before the network, by scope (global, API key, user, project, tag,
 * model, budget scope) and period (total, UTC day, UTC month, rolling window).
 *
 * `reserve` holds the call's worst-case cost in every scope that applies, all at once or
 * not at all, and throws `BudgetExceededError` when any would go over; `settle` replaces
 * the hold by what the call cost. Soft thresholds emit `budget-threshold` once per
 * crossing: once per calendar period, and again in a rolling window after spending fell
 * back below. Thresholds are judged after each settlement, on spent plus reserved, by
 * this process: processes sharing a Redis store each emit their own.
 */
export class BudgetManager {
  readonly #limits: NormalizedBudgetLimit[];
  readonly #store: BudgetStore;
  /** The store, when it is in this process and answers at once. */
  readonly #memory: MemoryBudgetStore | undefined;
  readonly #clock: Clock;
  readonly #onEvent: ((event: BudgetEvent) => void) | undefined;
  readonly #thresholds: BudgetThresholds;
  /** What its reservations need of it. */
  readonly #host: ReservationHost;
  /** For per-value limits: limit index → shown value → period suffix last seen. */
  readonly #seen = new Map<number, Map<string, string | undefined>>();
  #nextPruneAt = Number.NEGATIVE_INFINITY;
  /** Whether every limit is global: then `#plan` keeps its answer for the period. */
  readonly #allGlobal: boolean;
  /** See `#plan`. */
  #globalPlan: (ChargePlan & { until: number }) | undefined;

  constructor(options: BudgetManagerOptions) {
    this.#limits = normalizeLimits(options.limits);
    this.#allGlobal = this.#limits.every((limit) => limit.scope === 'global');
    this.#clock = options.clock ?? systemClock;
    this.#store = options.store ?? new MemoryBudgetStore({ clock: this.#clock });
    this.#memory = this.#store instanceof MemoryBudgetStore ? this.#store : undefined;
    this.#onEvent = options.onEvent;
    this.#thresholds = new BudgetThresholds(this.#store, this.#clock, (event) => this.#emit(event));
    this.#host = {
      store: this.#store,
      memory: this.#memory,
      thresholds: this.#thresholds,
      emit: this.#onEvent ? (event) => this.#emit(event) : undefined,
    };
    const rolling = this.#limits.findIndex((limit) => typeof limit.period === 'object');
    if (rolling !== -1 && !supportsRollingWindows(this.#store)) {
      throw new ConfigurationError(
        `BudgetManager: limits[${rolling}] has a rolling period, which the given store does not support (it lacks supportsRollingWindows); use MemoryBudgetStore or RedisBudgetStore`,
      );
    }
  }

  /** The scopes a call would be charged in now, with their limits. */
  scopesFor(call: BudgetCall): WindowedBudgetScopeLimit[] {
    return this.#plan(call, this.#clock.now()).scopes.map((scope) => ({ ...scope }));
  }

  /**
   * Holds `amount` in every scope that applies to the call, or throws
   * `BudgetExceededError` naming the first scope that would go over.
   */
  async reserve(request: BudgetReserveRequest): Promise<BudgetReservation> {
    toBudgetUnits(request.amount, 'amount');
    const now = this.#clock.now();
    this.#prune(now);
    const { applied, scopes } = this.#plan(request, now);
    const id = randomUUID();
    const decision: WindowedBudgetDecision =
      scopes.length === 0
        ? { reserved: true }
        : this.#memory
          ? this.#memory.reserveSync(id, request.amount, scopes)
          : await this.#store.reserve(id, request.amount, scopes);
    if (!decision.reserved) {
      this.#emit({
        type: 'budget-exceeded',
        scope: decision.scope,
        limit: decision.limit,
        spent: decision.spent,
        requested: request.amount,
      });
      throw new BudgetExceededError(
        `Budget exceeded in scope ${decision.scope}: ${decision.spent} spent or reserved plus ${request.amount} requested is over the limit of ${decision.limit}`,
        {
          scope: decision.scope,
          limit: decision.limit,
          spent: decision.spent,
          requested: request.amount,
        },
      );
    }
    this.#remember(applied);
    const degraded = decision.degraded === true;
    if (this.#onEvent) {
      this.#emit({
        type: 'budget-reserved',
        reservationId: id,
        amount: request.amount,
        scopes: scopes.map((scope) => scope.scope),
        degraded,
      });
    }
    return new HeldReservation(this.#host, id, request.amount, applied, scopes, degraded);
  }

  /** Spent plus reserved in one scope key, such as `user:alice:daily:2026-11-21`. */
  spent(scopeKey: string): Promise<number> {
    return this.#store.spent(scopeKey);
  }

  /**
   * Every configured limit as it stands in the current period. A limit for one value (or
   * `global`) gives one row; a per-value limit gives a row for each value this manager
   * has charged in the current period.
   */
  async status(): Promise<BudgetLimitStatus[]> {
    const now = this.#clock.now();
    const rows: AppliedLimit[] = [];
    this.#limits.forEach((config, index) => {
      if (config.scope === 'global' || config.value !== undefined) {
        const value = config.value === undefined ? '' : displayValue(config.scope, config.value);
        rows.push(applyLimit(index, config, value, now));
        return;
      }
      const suffix = periodBucket(config.period, now).suffix;
      for (const [value, seenIn] of this.#seen.get(index) ?? []) {
        if (seenIn === suffix) rows.push(applyLimit(index, config, value, now));
      }
    });
    return Promise.all(
      rows.map(async ({ config, value, scope }) => {
        const spent = await this.#store.spent(scope.scope);
        const row: BudgetLimitStatus = {
          scope: scope.scope,
          kind: config.scope,
          period: config.period,
          limit: config.limit,
          spent,
          remaining: fromBudgetUnits(
            Math.max(0, toBudgetUnits(config.limit, 'limit') - toBudgetUnits(spent, 'spent')),
          ),
        };
        if (config.scope !== 'global') row.value = value;
        if (scope.expiresAt !== undefined) row.resetsAt = scope.expiresAt;
        return row;
      }),
    );
  }

  /**
   * The limits that apply to a call and the scopes it is charged in. When every limit is
   * global (the common budget), they are the same for every call of a period: kept until
   * the period ends, and the same frozen scope array each time, which a store in memory validates once.
   */
  #plan(call: BudgetCall, now: number): ChargePlan {
    const kept = this.#globalPlan;
    if (kept !== undefined && now < kept.until) return kept;
    const applied = limitsForCall(this.#limits, call, now);
    const scopes = mergeDuplicateScopes(applied.map((entry) => entry.scope));
    if (!this.#allGlobal) return { applied, scopes };
    const ends = scopes.map((scope) => scope.expiresAt ?? Number.POSITIVE_INFINITY);
    for (const scope of scopes) Object.freeze(scope);
    this.#globalPlan = {
      applied,
      scopes: Object.freeze(scopes),
      until: Math.min(Number.POSITIVE_INFINITY, ...ends),
    };
    return this.#globalPlan;
  }

  #remember(applied: readonly AppliedLimit[]): void {
    for (const { limitIndex, config, value } of applied) {
      if (config.scope === 'global' || config.value !== undefined) continue;
      let values = this.#seen.get(limitIndex);
      if (!values) {
        values = new Map();
        this.#seen.set(limitIndex, values);
      }
      values.set(value, periodBucket(config.period, this.#clock.now()).suffix);
    }
  }

  /** Forgets the values seen in calendar periods that ended. */
  #prune(now: number): void {
    if (now < this.#nextPruneAt) return;
    this.#nextPruneAt = now + PRUNE_INTERVAL_MS;
    this.#limits.forEach((config, index) => {
      if (config.period === 'total' || typeof config.period === 'object') return;
      const suffix = periodBucket(config.period, now).suffix;
      const values = this.#seen.get(index);
      for (const [value, seenIn] of values ?? []) if (seenIn !== suffix) values?.delete(value);
    });
  }

  #emit(event: BudgetEvent): void {
    if (!this.#onEvent) return;
    try {
      this.#onEvent(event);
    } catch {
      // A listener's failure must not change what was reserved or spent.
    }
  }
}
