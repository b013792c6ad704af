import { createHash } from 'node:crypto';
import {
  ConfigurationError,
  type RateLimitDecision,
  type RateLimitDemand,
  type RateLimitStore,
  UnexpectedError,
} from '@ply/core';
import { RedisAvailability, type RedisAvailabilityOptions } from './redis-availability.js';

/**
 * What the store needs of a Redis client: an ioredis `Redis` (5 or 6) fits. Scripts are
 * sent with `EVALSHA`, falling back to `EVAL` when the server does not have them yet.
 */
export interface RedisRateLimitClient {
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  /** ioredis connection status: a command is not sent while it is down. */
  readonly status?: string;
}

export interface RedisRateLimitStoreOptions extends RedisAvailabilityOptions {
  redis: RedisRateLimitClient;
  /**
   * Prefix of every key. Default `ply:ratelimit:`. Each limiter key's dimensions share
   * one hash tag (`{key}`), so a script touches one cluster slot.
   */
  prefix?: string;
}

/*
 * Key layout, per limiter key K and dimension D:
 *   <prefix>{K}:D        ZSET sliding-window log: score = Redis ms, member = `ms:seq:amount`
 *   <prefix>{K}:D:until  epoch ms until which a 429 drained D (expires then)
 *   <prefix>{K}:D:total  running sum of D's log, so a decision reads only expired records
 *   <prefix>{K}:seq      counter making members unique
 * Every key carries a PEXPIRE of its window, so idle keys vanish on their own.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

const AMOUNT = `
local function amountOf(member)
  return tonumber(string.match(member, ':([^:]+)$'))
end
`;

/**
 * The running total of a log after dropping what left its window: O(expired), not
 * O(log). A total lost (or never written) is rebuilt from the log once.
 */
const TRIM = `
local function store(totalKey, total, window)
  redis.call('SET', totalKey, tostring(total), 'PX', window)
end

local function trim(log, totalKey, now, window)
  local cutoff = now - window
  local stored = redis.call('GET', totalKey)
  local total = 0
  local changed = false
  if stored then
    total = tonumber(stored)
    local expired = redis.call('ZRANGEBYSCORE', log, '-inf', cutoff)
    for j = 1, #expired do total = total - amountOf(expired[j]) end
    if #expired > 0 then
      redis.call('ZREMRANGEBYSCORE', log, '-inf', cutoff)
      changed = true
    end
  else
    redis.call('ZREMRANGEBYSCORE', log, '-inf', cutoff)
    local entries = redis.call('ZRANGE', log, 0, -1)
    for j = 1, #entries do total = total + amountOf(entries[j]) end
    changed = #entries > 0
  end
  if redis.call('EXISTS', log) == 0 then
    if stored then redis.call('DEL', totalKey) end
    return 0
  end
  if total < 0 then total = 0 end
  if changed then store(totalKey, total, window) end
  return total
end
`;

/** KEYS: (log, until, total) per demand, then seq. ARGV: n, then (amount, limit, windowMs) per demand. */
const ACQUIRE_SCRIPT = `${NOW}${AMOUNT}${TRIM}
local n = tonumber(ARGV[1])
local refused = 0
local wait = 0
local totals = {}
local longest = 0
for i = 1, n do
  local log = KEYS[3 * i - 2]
  local amount = tonumber(ARGV[3 * i - 1])
  local limit = tonumber(ARGV[3 * i])
  local window = tonumber(ARGV[3 * i + 1])
  if window > longest then longest = window end
  local total = trim(log, KEYS[3 * i], now, window)
  totals[i] = total
  local w = 0
  local untilMs = tonumber(redis.call('GET', KEYS[3 * i - 1]) or '0')
  if untilMs > now then
    w = untilMs - now
  elseif amount > limit then
    w = -1
  else
    local excess = total + amount - limit
    if excess > 0 then
      -- The wait ends when enough of the oldest records have left: read only those.
      w = -1
      local start = 0
      while excess > 0 do
        local batch = redis.call('ZRANGE', log, start, start + 127, 'WITHSCORES')
        if #batch == 0 then break end
        for j = 1, #batch, 2 do
          excess = excess - amountOf(batch[j])
          if excess <= 0 then
            w = tonumber(batch[j + 1]) + window - now
            break
          end
        end
        start = start + 128
      end
    end
  end
  if w ~= 0 then
    if refused == 0 then refused = i end
    if w < 0 or wait < 0 then wait = -1 elseif w > wait then wait = w end
  end
end
if refused > 0 then return {0, refused, tostring(wait)} end
local seqKey = KEYS[3 * n + 1]
local seq = redis.call('INCR', seqKey)
redis.call('PEXPIRE', seqKey, longest)
local reply = {1}
for i = 1, n do
  local log = KEYS[3 * i - 2]
  local amount = tonumber(ARGV[3 * i - 1])
  local limit = tonumber(ARGV[3 * i])
  local window = tonumber(ARGV[3 * i + 1])
  if amount > 0 then
    redis.call('ZADD', log, now, now .. ':' .. seq .. ':' .. ARGV[3 * i - 1])
    redis.call('PEXPIRE', log, window)
    store(KEYS[3 * i], totals[i] + amount, window)
  end
  local remaining = limit - totals[i] - amount
  if remaining < 0 then remaining = 0 end
  reply[i + 1] = tostring(remaining)
end
return reply
`;

/** KEYS: log, seq, total. ARGV: delta, windowMs. Gives back from the oldest records; charges at now. */
const ADJUST_SCRIPT = `${NOW}${AMOUNT}${TRIM}
local log = KEYS[1]
local delta = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local total = trim(log, KEYS[3], now, window)
if delta > 0 then
  local seq = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], window)
  redis.call('ZADD', log, now, now .. ':' .. seq .. ':' .. ARGV[1])
  redis.call('PEXPIRE', log, window)
  store(KEYS[3], total + delta, window)
  return 1
end
local giveBack = -delta
local start = 0
while giveBack > 0 do
  local entries = redis.call('ZRANGE', log, start, start + 127, 'WITHSCORES')
  if #entries == 0 then break end
  local kept = 0
  for j = 1, #entries, 2 do
    if giveBack <= 0 then break end
    local member = entries[j]
    local amount = amountOf(member)
    local taken = math.min(amount, giveBack)
    giveBack = giveBack - taken
    total = total - taken
    redis.call('ZREM', log, member)
    if amount - taken > 0 then
      local head = string.match(member, '^(.*):[^:]+$')
      redis.call('ZADD', log, entries[j + 1], head .. ':' .. tostring(amount - taken))
      kept = kept + 1
    end
  end
  -- Removed records shift the rest forward; a partly kept one stays in front.
  start = kept
end
if total < 0 then total = 0 end
if redis.call('EXISTS', log) == 1 then store(KEYS[3], total, window) else redis.call('DEL', KEYS[3]) end
return 1
`;

/** KEYS: until. ARGV: untilMs (epoch ms). Keeps the later of two drains. */
const EXHAUST_SCRIPT = `${NOW}
local untilMs = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current > untilMs then untilMs = current end
if untilMs <= now then return 0 end
redis.call('SET', KEYS[1], tostring(untilMs), 'PX', untilMs - now)
return 1
`;

function sha1(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}

const SHAS = new Map<string, string>([
  [ACQUIRE_SCRIPT, sha1(ACQUIRE_SCRIPT)],
  [ADJUST_SCRIPT, sha1(ADJUST_SCRIPT)],
  [EXHAUST_SCRIPT, sha1(EXHAUST_SCRIPT)],
]);

/**
 * A `RateLimitStore` on Redis, shared by every process pointed at the same server and
 * prefix. The same sliding-window logs as `MemoryRateLimitStore`, with every decision
 * one Lua script on Redis's own clock (`TIME`), so N processes together never exceed one
 * limit in any window, whatever their clocks say. Keys expire with their window.
 *
 * While Redis is unreachable, `onUnavailable` decides: `fail-closed` (default) makes
 * `acquire` reject with a `ConnectionError`, `fail-open` grants every request unrecorded;
 * `adjust` and `exhaust` are dropped (reported) under fail-open.
 *
 * `exhaust` takes epoch ms (the caller's clock); a caller whose clock is far from
 * Redis's drains for longer or shorter by the difference.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #redis: RedisRateLimitClient;
  readonly #prefix: string;
  readonly #availability: RedisAvailability;

  constructor(options: RedisRateLimitStoreOptions) {
    if (!options?.redis || typeof options.redis.evalsha !== 'function') {
      throw new ConfigurationError('RedisRateLimitStore: `redis` must be an ioredis client');
    }
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? 'ply:ratelimit:';
    this.#availability = new RedisAvailability('RedisRateLimitStore', options);
  }

  async acquire(key: string, demands: readonly RateLimitDemand[]): Promise<RateLimitDecision> {
    if (demands.length === 0) return { granted: true, remaining: {} };
    const keys: string[] = [];
    const args: (string | number)[] = [demands.length];
    for (const demand of demands) {
      validateDemand(demand);
      keys.push(
        this.#log(key, demand.dimension),
        this.#until(key, demand.dimension),
        this.#total(key, demand.dimension),
      );
      args.push(String(demand.amount), String(demand.limit), Math.ceil(demand.windowMs));
    }
    keys.push(this.#seq(key));
    let reply: unknown;
    try {
      reply = await this.#run(ACQUIRE_SCRIPT, keys, args);
    } catch (error) {
      this.#availability.handle(error, 'acquire', key);
      // Failing open: granted without a record, so the fleet is unlimited until Redis is back.
      return { granted: true, remaining: {} };
    }
    if (!Array.isArray(reply)) throw unexpected('acquire', reply);
    if (Number(reply[0]) === 1) {
      const remaining: Record<string, number> = {};
      demands.forEach((demand, i) => {
        remaining[demand.dimension] = Number(reply[i + 1]);
      });
      return { granted: true, remaining };
    }
    const refused = demands[Number(reply[1]) - 1];
    if (!refused) throw unexpected('acquire', reply);
    const wait = Number(reply[2]);
    return {
      granted: false,
      dimension: refused.dimension,
      retryAfterMs: wait < 0 ? Number.POSITIVE_INFINITY : wait,
    };
  }

  async adjust(key: string, dimension: string, delta: number, windowMs: number): Promise<void> {
    if (!Number.isFinite(delta)) throw new RangeError('adjust: delta must be a finite number');
    if (!(Number.isFinite(windowMs) && windowMs > 0)) {
      throw new RangeError('adjust: windowMs must be positive');
    }
    if (delta === 0) return;
    try {
      await this.#run(
        ADJUST_SCRIPT,
        [this.#log(key, dimension), this.#seq(key), this.#total(key, dimension)],
        [String(delta), Math.ceil(windowMs)],
      );
    } catch (error) {
      this.#availability.handle(error, 'adjust', key);
    }
  }

  async exhaust(key: string, dimension: string, untilMs: number): Promise<void> {
    if (!Number.isFinite(untilMs)) throw new RangeError('exhaust: untilMs must be finite');
    try {
      await this.#run(EXHAUST_SCRIPT, [this.#until(key, dimension)], [Math.ceil(untilMs)]);
    } catch (error) {
      this.#availability.handle(error, 'exhaust', key);
    }
  }

  #log(key: string, dimension: string): string {
    return `${this.#prefix}{${key}}:${dimension}`;
  }

  #until(key: string, dimension: string): string {
    return `${this.#prefix}{${key}}:${dimension}:until`;
  }

  #total(key: string, dimension: string): string {
    return `${this.#prefix}{${key}}:${dimension}:total`;
  }

  #seq(key: string): string {
    return `${this.#prefix}{${key}}:seq`;
  }

  async #run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    const sha = SHAS.get(script) ?? sha1(script);
    return this.#availability.run(this.#redis, async () => {
      try {
        return await this.#redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!String((error as Error)?.message ?? error).startsWith('NOSCRIPT')) throw error;
        return this.#redis.eval(script, keys.length, ...keys, ...args);
      }
    });
  }
}

function validateDemand(demand: RateLimitDemand): void {
  if (!(Number.isFinite(demand.amount) && demand.amount >= 0)) {
    throw new RangeError(`acquire: ${demand.dimension} amount must be a finite number >= 0`);
  }
  if (!(Number.isFinite(demand.limit) && demand.limit > 0)) {
    throw new RangeError(`acquire: ${demand.dimension} limit must be a finite number > 0`);
  }
  if (!(Number.isFinite(demand.windowMs) && demand.windowMs > 0)) {
    throw new RangeError(`acquire: ${demand.dimension} windowMs must be > 0`);
  }
  if (demand.dimension.includes('}') || demand.dimension.includes('{')) {
    throw new RangeError('acquire: a dimension may not contain braces');
  }
}

function unexpected(operation: string, reply: unknown): UnexpectedError {
  return new UnexpectedError(
    `RedisRateLimitStore.${operation}: unexpected reply ${JSON.stringify(reply)}`,
  );
}
