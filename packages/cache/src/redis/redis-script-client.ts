import { ConnectionError, type StoreHealth, UnexpectedError } from '@ply/core';
import type { CacheScript } from './redis-cache-scripts.js';

/** What the store needs of a Redis client: an ioredis `Redis` or `Cluster` (5 or 6) fits. */
export interface RedisCacheClient {
  /** ioredis's connection status: `ready`, `reconnecting`, `end`... */
  readonly status: string;
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  del(...keys: string[]): Promise<unknown>;
  /** True on an ioredis `Cluster`. */
  readonly isCluster?: boolean;
}

/** ioredis statuses in which a command cannot be sent now. */
const DOWN_STATUSES = new Set(['reconnecting', 'close', 'end']);

/** Replies by which Redis says it cannot serve now, rather than that the script is wrong. */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY)\b/;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function unavailable(reason: string, cause?: unknown): ConnectionError {
  return new ConnectionError(`RedisCacheStore: Redis is unavailable (${reason})`, { cause });
}

/**
 * Runs one command bounded by `timeoutMs`. An outage (a timeout, a refused or dropped
 * connection, a client that is reconnecting) is a `ConnectionError` and is reported to
 * `health`, shared with every store on the client, so that while Redis is down the next
 * commands fail at once instead of each waiting out its timeout; a script error is an
 * `UnexpectedError`.
 */
export async function runCommand<T>(
  redis: RedisCacheClient,
  health: StoreHealth,
  timeoutMs: number,
  command: () => Promise<T>,
): Promise<T> {
  if (!health.admits()) throw unavailable('it did not answer moments ago');
  if (DOWN_STATUSES.has(redis.status)) {
    health.reportOutage();
    throw unavailable(`the client is ${redis.status}`);
  }
  const pending = command();
  pending.catch(() => {}); // Settled after a timeout: nobody awaits it any more.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const answer = await Promise.race([pending, timeout]);
    health.reportAnswer();
    return answer;
  } catch (error) {
    if (
      error instanceof Error &&
      error.name === 'ReplyError' &&
      !UNAVAILABLE_REPLY.test(error.message)
    ) {
      health.reportAnswer();
      throw new UnexpectedError(`RedisCacheStore: a cache script failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
    health.reportOutage();
    if (ConnectionError.isInstance(error)) throw error;
    throw unavailable(messageOf(error), error);
  } finally {
    clearTimeout(timer);
  }
}

/** `EVALSHA`, falling back to `EVAL` when the server does not have the script yet. */
export async function evalScript(
  redis: RedisCacheClient,
  script: CacheScript,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (error) {
    if (!messageOf(error).startsWith('NOSCRIPT')) throw error;
    return redis.eval(script.source, keys.length, ...keys, ...args);
  }
}
