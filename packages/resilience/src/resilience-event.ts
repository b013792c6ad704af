/**
 * Every decision a policy takes, as a typed event: a retry scheduled, a budget refusal, a
 * breaker transition, a limiter wait. Policies take an `onEvent` callback; the composed
 * middleware forwards all of them to one.
 */
export type ResilienceEvent =
  | { type: 'retry-scheduled'; attempt: number; delayMs: number; reason: string; code?: string }
  | { type: 'retry-gave-up'; attempts: number; reason: string; code?: string }
  | { type: 'retry-budget-refused'; scope: string; tokens: number }
  | { type: 'breaker-opened'; key: string; failures: number; openForMs: number }
  | { type: 'breaker-half-opened'; key: string }
  | { type: 'breaker-closed'; key: string }
  | { type: 'breaker-rejected'; key: string; retryAfterMs: number }
  | { type: 'limiter-waiting'; key: string; dimension: string; waitMs: number }
  | { type: 'limiter-acquired'; key: string; waitedMs: number }
  | { type: 'limiter-rejected'; key: string; dimension: string; reason: string }
  | { type: 'limiter-learned'; key: string; dimension: string; limit?: number; remaining?: number }
  | { type: 'bulkhead-queued'; active: number; queued: number }
  | { type: 'bulkhead-rejected'; active: number; queued: number }
  | { type: 'fallback'; from: string; to: string; code: string }
  | { type: 'deadline-exceeded'; deadlineMs: number };

export type ResilienceEventListener = (event: ResilienceEvent) => void;
