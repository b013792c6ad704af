import type { LedgerEntry } from '@ply/cost';
import type { LoggedRequest } from '@ply/simulator';
import type { BreakerMoment } from './breaker-timeline.ts';

/** One logical call of the soak, as its caller saw it. */
export interface CallRecord {
  /** Sent as the request's `user`, so the simulator's log names the call's attempts. */
  id: string;
  stream: boolean;
  outcome: 'ok' | 'failed' | 'hung';
  /** The typed code of a failure. */
  code?: string;
  /** Set when a failure was not a typed ply error: what was thrown instead. */
  untyped?: string;
  /** The text received: the answer, or for a failure the partial output it carried. */
  text: string;
  /**
   * The `x-request-id` of the response the caller received (or of the one that failed):
   * the simulator logs attempts as they end, so a late attempt can follow the one that
   * answered.
   */
  requestId?: string;
  /** How long a refusal asked the caller to wait before trying again. */
  retryAfterMs?: number;
}

/** A budget scope seen above its limit (spent plus reserved) while the soak ran. */
export interface BudgetBreach {
  scope: string;
  spent: number;
  limit: number;
}

/** Everything the invariants are judged on, gathered by one soak run. */
export interface SoakRecord {
  calls: CallRecord[];
  /** Every request the simulator served, attempts of all calls. */
  log: LoggedRequest[];
  ledger: LedgerEntry[];
  /** Cost of each billed request in `log` (complete usage, no fault), priced independently. */
  billedCost: (entry: LoggedRequest) => number;
  budgetBreaches: BudgetBreach[];
  /** Times the budget was sampled; zero would make "never overspent" vacuous. */
  budgetSamples: number;
  /** Samples that could not read the budget: Redis was down or had lost its data. */
  budgetSamplesMissed?: number;
  /** The run's `total` budget (with Redis): the ledger's whole cost must stay within it. */
  totalBudget?: number;
  /** What Redis went through, when the soak ran its stores on Redis. */
  redis?: RedisRecord;
  /** Every budget scope after the run, once its rolling window passed: reservations left. */
  budgetAfterRun: { scope: string; spent: number }[];
  retriesScheduled: number;
  maxAttempts: number;
  /** Every breaker transition and refusal, stamped. */
  breakerTimeline: BreakerMoment[];
  /** How long a half-open probe may run: refusals may last that long after half-opening. */
  probeLeaseMs: number;
  /** Slack allowed between a breaker decision and its event's stamp. */
  stampSlackMs: number;
  unhandledRejections: string[];
}

export interface RedisRecord {
  persistence: 'none' | 'aof';
  /** Times Redis was killed and restarted. */
  kills: number;
  /** Times the budget store found Redis had come back without its data. */
  budgetDataLosses: number;
  /** Settlements the budget store still keeps, unrecorded, once Redis is back for good. */
  settlementsStillKept: number;
}
