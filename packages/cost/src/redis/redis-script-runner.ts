import { ConnectionError, type StoreHealth, UnexpectedError } from '@ply/core';
import { sha1 } from './redis-budget-scripts.js';

/**
 * What the store needs of a Redis client: an ioredis `Redis` (5 or 6) fits. Commands are
 * sent with `EVALSHA`, falling back to `EVAL` when the server lacks the script.
 */
export interface RedisScriptClient {
  /** ioredis's connection status: `ready`, `reconnecting`, `end`... */
  readonly status: string;
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** True on an ioredis `Cluster`. */
  readonly isCluster?: boolean;
  /** ioredis's event: when present, kept settlements are recorded as soon as it is `ready`. */
  once?(event: 'ready', listener: () => void): unknown;
}

/** ioredis statuses in which a command cannot be sent now. */
const DOWN_STATUSES = new Set(['reconnecting', 'close', 'end']);

/** ioredis refusing a command it never wrote: no connection and no offline queue. */
const NEVER_SENT = /enableOfflineQueue/;

/** Replies by which Redis says it cannot serve now, rather than that the script is wrong. */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY)\b/;

/**
 * Redis cannot serve now. `sent` when the command may have reached it (it timed out, or
 * the connection broke under it) rather than never having left.
 */
export class RedisUnavailable extends Error {
  readonly sent: boolean;
  constructor(message: string, options: { cause?: unknown; sent: boolean }) {
    super(message, options);
    this.sent = options.sent;
  }
}

/**
 * Runs a script, bounded by `timeoutMs`. Connection trouble becomes `RedisUnavailable`;
 * a script error (a bug, not an outage) becomes an `UnexpectedError`. `health` is shared
 * with the other stores on the client: while it believes Redis is down the script is not
 * sent, so a call in an outage waits out one timeout, not one per store.
 */
export async function runScript(
  redis: RedisScriptClient,
  health: StoreHealth,
  timeoutMs: number,
  script: string,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  if (!health.admits()) {
    throw new RedisUnavailable('Redis did not answer moments ago', { sent: false });
  }
  if (DOWN_STATUSES.has(redis.status)) {
    health.reportOutage();
    throw new RedisUnavailable(`the client is ${redis.status}`, { sent: false });
  }
  const call = evaluate(redis, script, keys, args);
  call.catch(() => {}); // Settled after a timeout: nobody awaits it any more.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedisUnavailable(`no answer within ${timeoutMs}ms`, { sent: true })),
      timeoutMs,
    );
  });
  try {
    const reply = await Promise.race([call, timeout]);
    health.reportAnswer();
    return reply;
  } catch (error) {
    if (isScriptError(error)) {
      health.reportAnswer();
      throw new UnexpectedError(`RedisBudgetStore: a budget script failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
    health.reportOutage();
    if (error instanceof RedisUnavailable) throw error;
    throw new RedisUnavailable(messageOf(error), {
      cause: error,
      sent: !NEVER_SENT.test(messageOf(error)),
    });
  } finally {
    clearTimeout(timer);
  }
}

async function evaluate(
  redis: RedisScriptClient,
  script: string,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(shaOf(script), keys.length, ...keys, ...args);
  } catch (error) {
    if (!messageOf(error).startsWith('NOSCRIPT')) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}

const shas = new Map<string, string>();
function shaOf(script: string): string {
  let sha = shas.get(script);
  if (!sha) {
    sha = sha1(script);
    shas.set(script, sha);
  }
  return sha;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A reply from the server saying the script failed, as opposed to a lost connection. */
function isScriptError(error: unknown): boolean {
  return (
    error instanceof Error && error.name === 'ReplyError' && !UNAVAILABLE_REPLY.test(error.message)
  );
}

/** An outage as the caller hears it: a retryable `ConnectionError` saying what it cost. */
export function unavailableError(
  operation: string,
  error: RedisUnavailable,
  consequence: string,
): ConnectionError {
  return new ConnectionError(
    `RedisBudgetStore: Redis is unavailable for ${operation} (${error.message}); ${consequence}`,
    { cause: error.cause ?? error },
  );
}

export function unexpectedReply(operation: string, reply: unknown): UnexpectedError {
  return new UnexpectedError(
    `RedisBudgetStore: unexpected reply to ${operation}: ${JSON.stringify(reply)}`,
  );
}
