import { randomUUID } from 'node:crypto';
import { BudgetDataLostError } from '../budgets/budget-data-lost-error.js';
import type { DataLostEvent } from './redis-budget-events.js';

/** A script's answer once its generation head is read: the rest, or the loss. */
export type GenerationRead = { lost: false; body: unknown[] } | { lost: true };

/**
 * The generation of the budget key space this store has seen (see `redis-budget-scripts.ts`):
 * what every script is told, and what its answer says about a loss.
 */
export class KeySpaceGeneration {
  readonly marker: string;
  readonly #onLoss: 'refuse' | 'reset';
  readonly #report: (event: DataLostEvent) => void;
  /** '' until the first answer. */
  #seen = '';
  /** Written by a script that finds no marker: never the same twice. */
  #fresh = randomUUID();
  /** The generation whose loss was reported as refused, so it is reported once. */
  #refusedOf: string | undefined;

  constructor(marker: string, onLoss: 'refuse' | 'reset', report: (event: DataLostEvent) => void) {
    this.marker = marker;
    this.#onLoss = onLoss;
    this.#report = report;
  }

  /** The generation reservations are made in now; '' before the first answer. */
  get current(): string {
    return this.#seen;
  }

  /** ARGV[1..3] of every script. */
  args(): [string, string, string] {
    return [this.#seen, this.#fresh, this.#onLoss];
  }

  /** Reads the head of a script's answer, learning the generation and reporting a loss. */
  read(reply: unknown): GenerationRead | undefined {
    if (!Array.isArray(reply)) return undefined;
    if (reply[0] === 'lost') {
      if (this.#refusedOf !== this.#seen) {
        this.#refusedOf = this.#seen;
        this.#report({ type: 'data-lost', marker: this.marker, action: 'refused' });
      }
      return { lost: true };
    }
    const [generation, reset] = reply;
    if (typeof generation !== 'string') return undefined;
    if (generation === this.#fresh) this.#fresh = randomUUID();
    if (Number(reset) === 1 && generation !== this.#seen) {
      this.#report({ type: 'data-lost', marker: this.marker, action: 'reset' });
    }
    this.#seen = generation;
    return { lost: false, body: reply.slice(2) };
  }

  /** Goes on from the key space as it is now: the next script adopts or writes a marker. */
  acknowledgeLoss(): void {
    this.#seen = '';
    this.#refusedOf = undefined;
  }

  lostError(operation: string): BudgetDataLostError {
    return new BudgetDataLostError(
      `RedisBudgetStore: the budget data in Redis was lost (its marker ${this.marker} is gone or replaced: a restart without persistence, a flush or an eviction), so ${operation} is refused rather than grant a fresh limit; onDataLoss is 'refuse'. Call acknowledgeDataLoss() to go on from what Redis holds now.`,
      { marker: this.marker },
    );
  }
}
