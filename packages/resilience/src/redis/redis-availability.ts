import { ConfigurationError, ConnectionError, type StoreHealth, storeHealthFor } from '@ply/core';

/** What a Redis store does while Redis cannot be reached. */
export type RedisUnavailableMode = 'fail-open' | 'fail-closed';

/** Reported for each decision taken, or record dropped, without Redis under `fail-open`. */
export interface RedisUnavailableInfo {
  store: 'RedisRateLimitStore' | 'RedisCircuitStore';
  operation: string;
  key: string;
  error: unknown;
}

export interface RedisAvailabilityOptions {
  /**
   * While Redis cannot be reached (or answers too slowly): `fail-closed` (default) throws
   * a `ConnectionError`, so a call that needs a decision is refused; `fail-open` lets
   * calls through (a limiter grants, a breaker admits) and drops what would have been
   * recorded, calling `onFailOpen` each time. Reading state throws either way.
   */
  onUnavailable?: RedisUnavailableMode;
  /** Longest wait for one Redis answer before Redis counts as unavailable. Default 2000. */
  timeoutMs?: number;
  onFailOpen?: (info: RedisUnavailableInfo) => void;
  /**
   * The verdict on whether Redis answers, shared with the other stores on it, so a call in
   * an outage waits out one timeout rather than one per store. Default
   * `storeHealthFor(redis)`: every store given the same client shares one (the budget
   * store of `@ply/cost/redis` too).
   */
  health?: StoreHealth;
}

/** What the guard reads of an ioredis client: its connection status. */
export interface RedisStatusClient {
  readonly status?: string;
}

/** ioredis statuses in which a command cannot be sent now. */
const DOWN_STATUSES = new Set(['reconnecting', 'close', 'end']);

/** Redis could not answer: an outage, not a bug. */
class RedisUnreachable extends Error {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A script error is a reply from a working server (a bug); anything else is an outage. */
function isReplyError(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'ReplyError' &&
    !/^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)/.test(error.message)
  );
}

/**
 * Bounds every Redis call of a store by a timeout, tells an outage from a script error,
 * shares what it saw with the other stores on the client (`StoreHealth`), and applies
 * the store's fail-open or fail-closed choice.
 */
export class RedisAvailability {
  readonly failOpen: boolean;
  readonly #store: RedisUnavailableInfo['store'];
  readonly #timeoutMs: number;
  readonly #onFailOpen: RedisAvailabilityOptions['onFailOpen'];
  readonly #health: StoreHealth;

  constructor(
    store: RedisUnavailableInfo['store'],
    options: RedisAvailabilityOptions,
    client: object,
  ) {
    const mode = options.onUnavailable ?? 'fail-closed';
    if (mode !== 'fail-open' && mode !== 'fail-closed') {
      throw new ConfigurationError(
        `${store}: \`onUnavailable\` must be 'fail-open' or 'fail-closed', got ${String(mode)}`,
      );
    }
    const timeoutMs = options.timeoutMs ?? 2_000;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new ConfigurationError(
        `${store}: \`timeoutMs\` must be a number > 0, got ${timeoutMs}`,
      );
    }
    this.failOpen = mode === 'fail-open';
    this.#store = store;
    this.#timeoutMs = timeoutMs;
    this.#onFailOpen = options.onFailOpen;
    this.#health = options.health ?? storeHealthFor(client);
  }

  /** Runs `call` within the timeout; an outage rejects with a marker `handle` recognises. */
  async run<T>(client: RedisStatusClient, call: () => Promise<T>): Promise<T> {
    const health = this.#health;
    if (!health.admits()) throw new RedisUnreachable('Redis did not answer moments ago');
    if (client.status !== undefined && DOWN_STATUSES.has(client.status)) {
      health.reportOutage();
      throw new RedisUnreachable(`the client is ${client.status}`);
    }
    const pending = call();
    pending.catch(() => {}); // Settled after a timeout: nobody awaits it any more.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RedisUnreachable(`no answer within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    try {
      const answer = await Promise.race([pending, timeout]);
      health.reportAnswer();
      return answer;
    } catch (error) {
      if (isReplyError(error)) {
        health.reportAnswer();
        throw error;
      }
      health.reportOutage();
      if (error instanceof RedisUnreachable) throw error;
      throw new RedisUnreachable(messageOf(error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * For a failed `run`: rethrows anything but an outage; under `fail-closed` (or when
   * `readOnly`) throws a `ConnectionError`; under `fail-open` reports it and returns.
   */
  handle(error: unknown, operation: string, key: string, readOnly = false): void {
    if (!(error instanceof RedisUnreachable)) throw error;
    if (!this.failOpen || readOnly) {
      throw new ConnectionError(
        `${this.#store}: Redis is unavailable for ${operation} (${error.message}); ` +
          (readOnly ? 'the state cannot be read' : "onUnavailable is 'fail-closed'"),
        { cause: error.cause ?? error },
      );
    }
    try {
      this.#onFailOpen?.({ store: this.#store, operation, key, error: error.cause ?? error });
    } catch {
      // A listener's failure must not turn fail-open into a failure.
    }
  }
}
