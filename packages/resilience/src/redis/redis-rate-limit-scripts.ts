import { createHash } from 'node:crypto';

// The Lua scripts behind `RedisRateLimitStore`: each decision is one run of one of them, on
// Redis time, so every process sharing the server sees one limit. A dimension of a key is a
// sliding-window log (a sorted set of grants by time, with their amounts), a running total
// and a drain marker (`until`) a 429 sets.

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

/**
 * Takes up to `amount` from one record (`member` at `score`): drops it, and writes back
 * what it still holds. Returns what it took and whether part of the record stayed.
 */
const TAKE = `
local function take(log, member, score, amount)
  local held = amountOf(member)
  local taken = math.min(held, amount)
  redis.call('ZREM', log, member)
  if held - taken > 0 then
    local head = string.match(member, '^(.*):[^:]+$')
    redis.call('ZADD', log, score, head .. ':' .. tostring(held - taken))
    return taken, true
  end
  return taken, false
end
`;

/** Takes `amount` from the oldest records of a log; returns the total left. */
const GIVE_BACK = `${TAKE}
local function giveBack(log, total, amount)
  local start = 0
  while amount > 0 do
    local entries = redis.call('ZRANGE', log, start, start + 127, 'WITHSCORES')
    if #entries == 0 then break end
    local kept = 0
    for j = 1, #entries, 2 do
      if amount <= 0 then break end
      local taken, stayed = take(log, entries[j], entries[j + 1], amount)
      amount = amount - taken
      total = total - taken
      if stayed then kept = kept + 1 end
    end
    -- Removed records shift the rest forward; a partly kept one stays in front.
    start = kept
  end
  if total < 0 then total = 0 end
  return total
end
`;

/**
 * KEYS: (log, until, total) per demand, then seq. ARGV: n, then (amount, limit, windowMs)
 * per demand. Replies {1, remaining per demand..., now} or {0, refused demand, wait}.
 */
export const ACQUIRE_SCRIPT = `${NOW}${AMOUNT}${TRIM}
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
    -- The refusal names the dimension that holds the call longest (-1: forever).
    if refused == 0 or (wait >= 0 and (w < 0 or w > wait)) then refused = i end
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
reply[n + 2] = tostring(now)
return reply
`;

/** KEYS: log, seq, total. ARGV: delta, windowMs. Gives back from the oldest records; charges at now. */
export const ADJUST_SCRIPT = `${NOW}${AMOUNT}${TRIM}${GIVE_BACK}
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
total = giveBack(log, total, -delta)
if redis.call('EXISTS', log) == 1 then store(KEYS[3], total, window) else redis.call('DEL', KEYS[3]) end
return 1
`;

/**
 * KEYS: (log, total) per restamp, then seq. ARGV: n, then (amount, replaces, windowMs,
 * recordedAt) per restamp. Records each amount at now, then gives its replaces back from
 * the newest records at or before recordedAt (the grant's own first): a grant dated anew
 * in one step, never undercounted in between. Returns now.
 */
export const RESTAMP_SCRIPT = `${NOW}${AMOUNT}${TRIM}${TAKE}
local n = tonumber(ARGV[1])
local seqKey = KEYS[2 * n + 1]
local seq = nil
for i = 1, n do
  local log = KEYS[2 * i - 1]
  local totalKey = KEYS[2 * i]
  local amount = tonumber(ARGV[4 * i - 2])
  local replaces = tonumber(ARGV[4 * i - 1])
  local window = tonumber(ARGV[4 * i])
  local recordedAt = ARGV[4 * i + 1]
  local total = trim(log, totalKey, now, window)
  while replaces > 0 do
    local entries = redis.call('ZREVRANGEBYSCORE', log, recordedAt, '-inf', 'WITHSCORES', 'LIMIT', 0, 128)
    if #entries == 0 then break end
    for j = 1, #entries, 2 do
      if replaces <= 0 then break end
      local taken = take(log, entries[j], entries[j + 1], replaces)
      replaces = replaces - taken
      total = total - taken
    end
  end
  if total < 0 then total = 0 end
  if amount > 0 then
    if seq == nil then seq = redis.call('INCR', seqKey) end
    if redis.call('PTTL', seqKey) < window then redis.call('PEXPIRE', seqKey, window) end
    redis.call('ZADD', log, now, now .. ':' .. seq .. ':' .. ARGV[4 * i - 2])
    redis.call('PEXPIRE', log, window)
    total = total + amount
  end
  if redis.call('EXISTS', log) == 1 then store(totalKey, total, window) else redis.call('DEL', totalKey) end
end
return tostring(now)
`;

/** KEYS: until. ARGV: untilMs (epoch ms). Keeps the later of two drains. */
export const EXHAUST_SCRIPT = `${NOW}
local untilMs = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current > untilMs then untilMs = current end
if untilMs <= now then return 0 end
redis.call('SET', KEYS[1], tostring(untilMs), 'PX', untilMs - now)
return 1
`;

export function sha1(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}

/** Each script's SHA-1, for EVALSHA. */
export const SCRIPT_SHAS = new Map<string, string>([
  [ACQUIRE_SCRIPT, sha1(ACQUIRE_SCRIPT)],
  [ADJUST_SCRIPT, sha1(ADJUST_SCRIPT)],
  [EXHAUST_SCRIPT, sha1(EXHAUST_SCRIPT)],
  [RESTAMP_SCRIPT, sha1(RESTAMP_SCRIPT)],
]);
