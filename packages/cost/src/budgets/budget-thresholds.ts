import type { BudgetStore, Clock } from '@ply/core';
import type { BudgetEvent } from './budget-events.js';
import type { AppliedLimit } from './budget-limits.js';
import { MemoryBudgetStore } from './memory-budget-store.js';
import { toBudgetUnits } from './units.js';

interface ThresholdState {
  expiresAt: number | undefined;
  rolling: boolean;
  crossed: Set<number>;
}

const PRUNE_INTERVAL_MS = 60_000;

/**
 * The soft thresholds of a budget: after each settlement, each line the scope's spending
 * reached is announced once per crossing (once per calendar period; again in a rolling
 * window after spending fell back below). Read on spent plus reserved, by this process:
 * processes sharing a Redis store each announce their own. An in-memory store is read
 * without a promise.
 */
export class BudgetThresholds {
  readonly #store: BudgetStore;
  readonly #memory: MemoryBudgetStore | undefined;
  readonly #clock: Clock;
  readonly #emit: (event: BudgetEvent) => void;
  /** Threshold key (`limit index|scope key`) → what was already emitted. */
  readonly #states = new Map<string, ThresholdState>();
  #nextPruneAt = Number.NEGATIVE_INFINITY;

  constructor(store: BudgetStore, clock: Clock, emit: (event: BudgetEvent) => void) {
    this.#store = store;
    this.#memory = store instanceof MemoryBudgetStore ? store : undefined;
    this.#clock = clock;
    this.#emit = emit;
  }

  /** Announces what the settlement crossed; undefined when it was all decided at once. */
  afterSettlement(applied: readonly AppliedLimit[]): Promise<void> | undefined {
    this.#prune(this.#clock.now());
    const reads: Promise<void>[] = [];
    for (const entry of applied) {
      const { limitIndex, config, scope } = entry;
      if (config.limit === 0 || config.softThresholds.length === 0) continue;
      const key = `${limitIndex}|${scope.scope}`;
      const known = this.#states.get(key);
      // A calendar period never un-crosses a line: once all are crossed, nothing to read.
      if (known && !known.rolling && known.crossed.size === config.softThresholds.length) continue;
      if (this.#memory) {
        this.#judge(entry, key, this.#memory.spentSync(scope.scope));
        continue;
      }
      reads.push(
        this.#store.spent(scope.scope).then(
          (spent) => this.#judge(entry, key, spent),
          // Thresholds are advisory: an unreachable store must not fail a settlement.
          () => {},
        ),
      );
    }
    return reads.length === 0 ? undefined : Promise.all(reads).then(() => {});
  }

  #judge({ config, scope }: AppliedLimit, key: string, spent: number): void {
    let state = this.#states.get(key);
    if (!state) {
      state = {
        expiresAt: scope.expiresAt,
        rolling: scope.windowMs !== undefined,
        crossed: new Set(),
      };
      this.#states.set(key, state);
    }
    const spentUnits = toBudgetUnits(spent, 'spent');
    const limitUnits = toBudgetUnits(config.limit, 'limit');
    for (const threshold of config.softThresholds) {
      const reached = spentUnits >= Math.round(threshold * limitUnits);
      if (!reached) {
        // A rolling window forgets old spending, so it can cross the same line again.
        if (state.rolling) state.crossed.delete(threshold);
        continue;
      }
      if (state.crossed.has(threshold)) continue;
      state.crossed.add(threshold);
      this.#emit({
        type: 'budget-threshold',
        scope: scope.scope,
        threshold,
        spent,
        limit: config.limit,
      });
    }
  }

  /** Forgets the thresholds of calendar periods that ended. */
  #prune(now: number): void {
    if (now < this.#nextPruneAt) return;
    this.#nextPruneAt = now + PRUNE_INTERVAL_MS;
    for (const [key, state] of this.#states) {
      if (state.expiresAt !== undefined && now >= state.expiresAt) this.#states.delete(key);
    }
  }
}
