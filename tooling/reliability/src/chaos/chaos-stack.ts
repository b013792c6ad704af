// The full stack as an application would run it (registry, budget, cost tracking with a
// ledger, resilience with retry, retry budget, breaker and limiter, the OpenAI adapter),
// against a simulator over loopback HTTP that misbehaves at the given rates.
import { ProviderRegistry, systemClock, wrapProvider } from '@ply/core';
import { BudgetManager, costTracking, tiktokenEstimator, UsageLedger } from '@ply/cost';
import { OpenAIProvider } from '@ply/provider-openai';
import {
  CircuitBreaker,
  RateLimiter,
  type ResilienceEvent,
  RetryBudget,
  resilience,
} from '@ply/resilience';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { type BreakerMoment, isBreakerEvent } from './breaker-timeline.ts';
import {
  type ChaosOptions,
  type ChaosTimeouts,
  chaosFaults,
  chaosTimeouts,
} from './chaos-options.ts';
import { type ChaosStores, chaosStores } from './chaos-stores.ts';

/** ply's limiter keeps below what the simulator enforces, as a careful client would. */
export const LIMITER_SHARE = 0.9;

/** Users the calls are spread over, each with a rolling budget that some calls run into. */
export const USERS = 20;
export const USER_BUDGET = { limit: 0.0015, rollingMs: 5_000 } as const;
/**
 * With Redis, also one `total` budget for the whole run, sized to run out before the end:
 * a Redis that comes back empty must not grant it afresh.
 */
export const TOTAL_BUDGET_PER_SECOND = 0.0012;

export const MAX_ATTEMPTS = 3;

export interface ChaosStack {
  simulator: RunningSimulator;
  registry: ProviderRegistry;
  ledger: UsageLedger;
  budget: BudgetManager;
  events: ResilienceEvent[];
  breakerTimeline: BreakerMoment[];
  /** The run's timeouts: `CHAOS_TIMEOUTS` stretched by the options' time scale. */
  timeouts: ChaosTimeouts;
  /** How long a half-open probe holds its lease: a probe is a call, and no call outlives its deadline. */
  probeLeaseMs: number;
  /** The Redis stores and their outages, when the soak runs on Redis. */
  stores: ChaosStores;
  /** The run's `total` budget (Redis only). */
  totalBudget: number | undefined;
  /**
   * Every budget scope once the rolling window has passed (the budget's clock is moved on):
   * what is left is held by reservations. The run's `total` budget keeps what was spent,
   * so the ledger's total is taken off it. Call it after every call has settled.
   */
  budgetAfterWindow(): Promise<{ scope: string; spent: number }[]>;
  close(): Promise<void>;
}

/** Budgets count in sub-units of 1e-8; a sum of floats is rounded to them. */
const roundToUnits = (amount: number) => Math.round(amount * 1e8) / 1e8;

export async function startChaosStack(options: ChaosOptions): Promise<ChaosStack> {
  const limits = options.rateLimits;
  const timeouts = chaosTimeouts(options.timeScale);
  const probeLeaseMs = timeouts.deadlineMs;
  const simulator = await startSimulator({ rateLimits: limits });
  simulator.simulator.faults.setRandom({
    seed: options.seed,
    rates: options.faultRates,
    faults: chaosFaults(timeouts),
  });
  const events: ResilienceEvent[] = [];
  const breakerTimeline: BreakerMoment[] = [];
  // Policies built here report to their own listener; resilience() only to those it builds.
  const onEvent = (event: ResilienceEvent) => {
    events.push(event);
    if (isBreakerEvent(event)) breakerTimeline.push({ at: performance.now(), event });
  };
  const ledger = new UsageLedger({ maxEntries: 10_000_000 });
  let budgetClockAheadMs = 0;
  const budgetClock = { now: () => Date.now() + budgetClockAheadMs, sleep: systemClock.sleep };
  const stores = await chaosStores(options, budgetClock);
  const totalBudget = options.redis
    ? (TOTAL_BUDGET_PER_SECOND * options.durationMs) / 1000
    : undefined;
  const budget = new BudgetManager({
    clock: budgetClock,
    ...(stores.budget ? { store: stores.budget } : {}),
    limits: [
      { scope: 'user', limit: USER_BUDGET.limit, period: { rollingMs: USER_BUDGET.rollingMs } },
      ...(totalBudget === undefined
        ? []
        : [{ scope: 'global' as const, limit: totalBudget, period: 'total' as const }]),
    ],
  });
  const adapter = new OpenAIProvider({
    apiKey: 'chaos-key',
    baseURL: simulator.url,
    streamTimeouts: { firstTokenMs: timeouts.firstTokenMs, idleMs: timeouts.idleMs },
  });
  const provider = wrapProvider(
    adapter,
    costTracking({ budget, ledger, estimator: tiktokenEstimator }),
    resilience({
      retry: {
        maxAttempts: MAX_ATTEMPTS,
        baseDelayMs: 20,
        maxDelayMs: 500,
        deadlineMs: timeouts.deadlineMs,
        attemptTimeoutMs: timeouts.attemptTimeoutMs,
      },
      budget: new RetryBudget({ capacity: 200 }),
      breaker: new CircuitBreaker({
        consecutiveFailures: 8,
        openMs: 500,
        maxOpenMs: 2_000,
        probeLeaseMs,
        ...(stores.breaker ? { store: stores.breaker } : {}),
        onEvent,
      }),
      limiter: new RateLimiter({
        rpm: Math.floor(limits.rpm * LIMITER_SHARE),
        tpm: Math.floor(limits.tpm * LIMITER_SHARE),
        estimator: tiktokenEstimator,
        maxWaitMs: timeouts.deadlineMs,
        ...(stores.limiter ? { store: stores.limiter } : {}),
        onEvent,
      }),
      onEvent,
    }),
  );
  const registry = new ProviderRegistry().register('sim', provider);
  return {
    simulator,
    registry,
    ledger,
    budget,
    events,
    breakerTimeline,
    timeouts,
    probeLeaseMs,
    stores,
    totalBudget,
    async budgetAfterWindow() {
      // Settlements a Redis store kept through an outage are recorded by this first read,
      // at the time they were spent, before the clock moves on.
      await budget.status();
      budgetClockAheadMs += USER_BUDGET.rollingMs + 1;
      const recorded = ledger.entries().reduce((sum, entry) => sum + (entry.cost.amount ?? 0), 0);
      return (await budget.status()).map(({ scope, spent }) => ({
        scope,
        spent: scope === 'global' ? roundToUnits(spent - recorded) : spent,
      }));
    },
    async close() {
      await registry.dispose();
      await simulator.close();
      await stores.close();
    },
  };
}
