import { AsyncLocalStorage } from 'node:async_hooks';
import type { BudgetEvent, LedgerEntry } from '@ply/cost';
import type { ResilienceEvent } from '@ply/resilience';

/** What the inspector shows of one logical call, in the order it happened. */
export type TraceRecord =
  /** An HTTP attempt as sent: the key is redacted from the headers. */
  | {
      type: 'request';
      attempt: number;
      method: string;
      url: string;
      headers: Record<string, string>;
      body: unknown;
    }
  | { type: 'response'; attempt: number; status: number; headers: Record<string, string> }
  /** One SSE `data:` payload, as received, before any parsing. */
  | { type: 'chunk'; attempt: number; data: string }
  /** The body of a response that was not a stream (an error envelope, a completion). */
  | { type: 'body'; attempt: number; body: string }
  | { type: 'transport-error'; attempt: number; message: string }
  | { type: 'resilience'; event: ResilienceEvent }
  | { type: 'budget'; event: BudgetEvent };

export type TimedTraceRecord = TraceRecord & { atMs: number };

const active = new AsyncLocalStorage<CallTrace>();

/**
 * Records one logical call: every attempt's request, response headers and raw chunks, and
 * every policy decision made for it. `run` makes it the current trace for everything the
 * call does (the inspecting fetch and the event listeners find it through async context).
 */
export class CallTrace {
  readonly records: TimedTraceRecord[] = [];
  /** What the ledger recorded for the call (its usage and cost, estimated for an abort). */
  readonly ledgerEntries: LedgerEntry[] = [];
  readonly #startedAt = performance.now();
  readonly #listeners: ((record: TimedTraceRecord) => void)[] = [];
  readonly #keepRecords: boolean;
  #attempts = 0;

  /**
   * `keepRecords: false` passes records to listeners only: the gateway counts a call's
   * attempts and decisions without holding every chunk of its stream in memory.
   */
  constructor(options: { keepRecords?: boolean } = {}) {
    this.#keepRecords = options.keepRecords ?? true;
  }

  /** The trace of the call running in this async context, if any. */
  static current(): CallTrace | undefined {
    return active.getStore();
  }

  run<T>(fn: () => T): T {
    return active.run(this, fn);
  }

  nextAttempt(): number {
    this.#attempts += 1;
    return this.#attempts;
  }

  get attempts(): number {
    return this.#attempts;
  }

  push(record: TraceRecord): void {
    const timed = { ...record, atMs: Math.round(performance.now() - this.#startedAt) };
    if (this.#keepRecords) this.records.push(timed);
    for (const listener of this.#listeners) listener(timed);
  }

  /** Called for every record from now on (the UI streams them live). */
  onRecord(listener: (record: TimedTraceRecord) => void): void {
    this.#listeners.push(listener);
  }
}
