// The full stack an application runs (registry, budget, cost tracking with a ledger,
// resilience with deadline, attempt timeout, breaker and limiter, the OpenAI adapter on
// Node's fetch), built inside the worker so that it holds only client-side resources.
import { type Clock, ProviderRegistry, systemClock, wrapProvider } from '@ply/core';
import { BudgetManager, costTracking, tiktokenEstimator, UsageLedger } from '@ply/cost';
import { OpenAIProvider } from '@ply/provider-openai';
import { CircuitBreaker, RateLimiter, resilience } from '@ply/resilience';
import { STREAM_IDLE_MS } from './hygiene-options.ts';
import { ReservationCountingStore } from './reservation-counting-store.ts';

export const PROVIDER_ID = 'openai';

/**
 * Ten minutes: far beyond the run's idle grace, so a deadline, attempt or call timer left
 * referenced after its call keeps the worker alive and the exit check sees it.
 */
export const LONG_TIMEOUT_MS = 600_000;

/**
 * The limiter's one-minute logs would hold every grant of the last minute: a window, not
 * a leak, but heap the end sample would count. Its clock jumps a minute per reading, so
 * the logs stay empty and what the heap keeps is what nothing should keep.
 */
function minuteJumpingClock(): Clock {
  let now = Date.now();
  return { now: () => (now += 61_000), sleep: (ms, signal) => systemClock.sleep(ms, signal) };
}

export interface HygieneStack {
  registry: ProviderRegistry;
  /**
   * Limiter permits taken and not given back: each call must return its own. Counted with
   * no `maxConcurrent`, so a kept permit shows here rather than as a worker stuck waiting.
   */
  heldPermits(): number;
  /** Budget reservations granted and neither settled nor released: each call ends its own. */
  openReservations(): number;
}

export function hygieneStack(baseURL: string): HygieneStack {
  const limiter = new RateLimiter({
    rpm: 1e9,
    tpm: 1e12,
    estimator: tiktokenEstimator,
    clock: minuteJumpingClock(),
  });
  const adapter = new OpenAIProvider({
    apiKey: 'hygiene-key',
    baseURL,
    timeout: LONG_TIMEOUT_MS,
    streamTimeouts: { firstTokenMs: LONG_TIMEOUT_MS, idleMs: STREAM_IDLE_MS },
  });
  const budgetStore = new ReservationCountingStore();
  const provider = wrapProvider(
    adapter,
    costTracking({
      // A budget no run reaches, over all time: one counter, however many calls.
      budget: new BudgetManager({
        limits: [{ scope: 'global', limit: 1e7, period: 'total' }],
        store: budgetStore,
      }),
      // Bounded, as an application keeps it: full after the warm-up.
      ledger: new UsageLedger({ maxEntries: 1_000 }),
      estimator: tiktokenEstimator,
    }),
    resilience({
      retry: {
        maxAttempts: 3,
        baseDelayMs: 1,
        maxDelayMs: 5,
        deadlineMs: LONG_TIMEOUT_MS,
        attemptTimeoutMs: LONG_TIMEOUT_MS,
      },
      breaker: new CircuitBreaker(),
      limiter,
    }),
  );
  return {
    registry: new ProviderRegistry().register(PROVIDER_ID, provider),
    // The limiter's default key: the provider's base URL.
    heldPermits: () => limiter.active(adapter.baseURL),
    openReservations: () => budgetStore.openReservations,
  };
}
