import { type Clock, systemClock } from './clock.js';
import { ConfigurationError } from './errors/setup-errors.js';

export interface StoreHealthOptions {
  /**
   * How long an outage, once seen, is believed before one command may try again.
   * Default 1000 ms.
   */
  retryAfterMs?: number;
  clock?: Clock;
}

/**
 * One verdict, shared by every store on the same backing service (one Redis), on whether
 * that service can answer now. The first store to wait out a timeout or a refused
 * connection reports the outage; until `retryAfterMs` has passed the others are told at
 * once, without sending, so a call made during an outage waits out at most one timeout
 * however many stores it passes. After that, one command goes through as a probe: its
 * answer ends the outage, its failure starts another interval.
 */
export class StoreHealth {
  readonly #retryAfterMs: number;
  readonly #clock: Clock;
  #down = false;
  /** While down: when the next probe may go. */
  #probeAt = 0;

  constructor(options: StoreHealthOptions = {}) {
    const retryAfterMs = options.retryAfterMs ?? 1_000;
    if (!(Number.isFinite(retryAfterMs) && retryAfterMs >= 0)) {
      throw new ConfigurationError(
        `StoreHealth: \`retryAfterMs\` must be a number >= 0, got ${retryAfterMs}`,
      );
    }
    this.#retryAfterMs = retryAfterMs;
    this.#clock = options.clock ?? systemClock;
  }

  /** True while an outage is believed; `admits()` may still let a probe through. */
  get down(): boolean {
    return this.#down;
  }

  /**
   * Whether a command should be sent now: always while healthy; during an outage only the
   * first caller once `retryAfterMs` has passed (the probe), then nobody until it reports.
   */
  admits(): boolean {
    if (!this.#down) return true;
    const now = this.#clock.now();
    if (now < this.#probeAt) return false;
    this.#probeAt = now + this.#retryAfterMs;
    return true;
  }

  /** The service answered: the outage, if any, is over. */
  reportAnswer(): void {
    this.#down = false;
  }

  /** The service did not answer (timeout, refused or dropped connection). */
  reportOutage(): void {
    this.#down = true;
    this.#probeAt = this.#clock.now() + this.#retryAfterMs;
  }
}

const healthByClient = new WeakMap<object, StoreHealth>();

/** A client that says when its connection is (again) ready, as ioredis's clients do. */
interface ReadyEmitter {
  on(event: 'ready', listener: () => void): unknown;
}

function emitsReady(client: object): client is ReadyEmitter {
  return typeof (client as Partial<ReadyEmitter>).on === 'function';
}

/**
 * The one `StoreHealth` of a client object (an ioredis connection, say): stores given the
 * same client share their verdict without being told to, whichever package they come from.
 * A client that emits `ready` ends the outage when it has reconnected.
 */
export function storeHealthFor(client: object): StoreHealth {
  let health = healthByClient.get(client);
  if (health === undefined) {
    const created = new StoreHealth();
    if (emitsReady(client)) client.on('ready', () => created.reportAnswer());
    healthByClient.set(client, created);
    health = created;
  }
  return health;
}
