import { createHash } from 'node:crypto';

/**
 * The Lua scripts behind `RedisBudgetStore`. Each decision is one script, so Redis runs
 * its check and its update with nothing in between, whatever the number of processes.
 *
 * Per scope `S`, under the store's prefix `P`:
 * - `P scope:S`, a hash: `spent` (settled sub-units; for a rolling window, those still in
 *   it), `reserved` (sum of holds), `window` (rolling window in ms) and `h:<id>` (the
 *   sub-units held by reservation `<id>`).
 * - `P holds:S`, a sorted set of reservation ids scored by their deadline: a hold past it
 *   is dropped, so a process that crashed between reserve and settle frees its money.
 * - `P window:S`, rolling windows only: a sorted set of `<sub-units>:<id>` scored by the
 *   settlement time; entries older than the window are subtracted from `spent`.
 * Per reservation: `P reservation:<id>`, a hash of `amount` and `scopes` (JSON), which
 * expires with the holds; per spending charged without a reservation (see CHARGE),
 * `P charged:<id>`, for the reservation TTL, so a retried charge counts once.
 *
 * Calendar scopes expire at the end of their period (PEXPIREAT), rolling ones after a
 * window plus the reservation TTL of idleness. A period's end is computed on the caller's
 * clock and applied by Redis's, so keep hosts in time (NTP): a period Redis already sees
 * as over is dropped at once. Times come from Redis (`TIME`) unless the
 * store was given a clock, so every process agrees on deadlines and windows. Amounts are
 * integer strings, so `HINCRBY` keeps sums exact.
 *
 * `settle` and `release` only know a reservation id, so they reach the scope keys named
 * in its record, and a reservation spans several scopes: every key must live in one
 * cluster slot, which the prefix's hash tag (default `{ply:budget}:`) ensures.
 *
 * `P generation` marks the key space: a random id written by the first script that finds
 * it missing, never expiring. Every script gets it as KEYS[1] and, as ARGV[1..3], the
 * generation the store has seen ('' = none yet), a fresh id to write if it must, and what
 * to do on a loss ('refuse' | 'reset'). Missing (or replaced) while the store has seen it
 * means the data was lost: a Redis restarted without persistence, flushed, or evicting.
 * Then the script changes nothing and answers {'lost'}, or under 'reset' writes a new
 * marker (or adopts another process's) and goes on, flagging the reset. Otherwise every
 * answer starts with the generation and the reset flag (0 or 1).
 */
const PRELUDE = `
local function generation()
  local current = redis.call('GET', KEYS[1])
  local seen, fresh, on_loss = ARGV[1], ARGV[2], ARGV[3]
  if current and (seen == '' or current == seen) then return current, 0 end
  if seen ~= '' and on_loss ~= 'reset' then return nil, 1 end
  if not current then
    redis.call('SET', KEYS[1], fresh)
    current = fresh
  end
  if seen == '' then return current, 0 end
  return current, 1
end

local function now_ms(given)
  if given ~= nil and given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function int(n)
  return string.format('%.0f', n)
end

local function purge(hk, zk, wk, now, window)
  local expired = redis.call('ZRANGEBYSCORE', zk, '-inf', now)
  if #expired > 0 then
    local freed = 0
    for _, id in ipairs(expired) do
      local held = redis.call('HGET', hk, 'h:' .. id)
      if held then
        freed = freed + tonumber(held)
        redis.call('HDEL', hk, 'h:' .. id)
      end
    end
    redis.call('ZREMRANGEBYSCORE', zk, '-inf', now)
    if freed > 0 then redis.call('HINCRBY', hk, 'reserved', int(-freed)) end
  end
  if window == nil or window <= 0 then
    window = tonumber(redis.call('HGET', hk, 'window') or '0')
  end
  if window > 0 then
    local old = redis.call('ZRANGEBYSCORE', wk, '-inf', now - window)
    if #old > 0 then
      local forgotten = 0
      for _, member in ipairs(old) do
        forgotten = forgotten + tonumber(string.match(member, '^(%d+):'))
      end
      redis.call('ZREMRANGEBYSCORE', wk, '-inf', now - window)
      if forgotten > 0 then redis.call('HINCRBY', hk, 'spent', int(-forgotten)) end
    end
  end
  return window
end

local function used(hk)
  local v = redis.call('HMGET', hk, 'spent', 'reserved')
  return tonumber(v[1] or '0') + tonumber(v[2] or '0')
end
`;

/**
 * KEYS: generation, reservation, then per scope its hash, holds and window keys.
 * ARGV: seen, fresh, on_loss, id, amount, ttlMs, now ('' = Redis TIME), count, then per
 * scope: name, limit, expiresAt ('' = none), windowMs ('' = none).
 * Returns {gen, reset, 1} when reserved (or already reserved under that id),
 * {gen, reset, 0, index, used} when the scope at 1-based `index` would go over.
 */
export const RESERVE_SCRIPT = `${PRELUDE}
local gen, reset = generation()
if not gen then return {'lost'} end
local id, amount, ttl = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local now = now_ms(ARGV[7])
local count = tonumber(ARGV[8])
if redis.call('EXISTS', KEYS[2]) == 1 then return {gen, reset, 1} end
for i = 1, count do
  local a = 8 + 4 * (i - 1)
  local hk, zk, wk = KEYS[3 * i], KEYS[3 * i + 1], KEYS[3 * i + 2]
  purge(hk, zk, wk, now, tonumber(ARGV[a + 4]))
  local spent = used(hk)
  if spent + amount > tonumber(ARGV[a + 2]) then return {gen, reset, 0, i, int(spent)} end
end
local deadline = now + ttl
local names = {}
for i = 1, count do
  local a = 8 + 4 * (i - 1)
  local hk, zk = KEYS[3 * i], KEYS[3 * i + 1]
  local expires_at, window = ARGV[a + 3], ARGV[a + 4]
  redis.call('HINCRBY', hk, 'reserved', ARGV[5])
  redis.call('HSET', hk, 'h:' .. id, ARGV[5])
  redis.call('ZADD', zk, deadline, id)
  if window ~= '' then
    redis.call('HSET', hk, 'window', window)
    local keep = tonumber(window) + ttl
    redis.call('PEXPIRE', hk, keep)
    redis.call('PEXPIRE', zk, keep)
  end
  if expires_at ~= '' then
    redis.call('PEXPIREAT', hk, expires_at)
    redis.call('PEXPIREAT', zk, expires_at)
  end
  names[i] = ARGV[a + 1]
end
redis.call('HSET', KEYS[2], 'amount', ARGV[5], 'scopes', cjson.encode(names))
redis.call('PEXPIRE', KEYS[2], ttl)
return {gen, reset, 1}
`;

/**
 * KEYS: generation, reservation. ARGV: seen, fresh, on_loss, id, actual ('' = release),
 * now ('' = Redis TIME), prefix, ttlMs. Drops the hold in every scope still holding it
 * and, when settling, records `actual` as spent there. Returns {gen, reset, 1} when some
 * scope still held it, {gen, reset, 0} for an unknown reservation or one whose holds had
 * all expired (nothing was recorded).
 */
export const FINISH_SCRIPT = `${PRELUDE}
local gen, reset = generation()
if not gen then return {'lost'} end
local record = redis.call('HMGET', KEYS[2], 'amount', 'scopes')
if not record[2] then return {gen, reset, 0} end
redis.call('DEL', KEYS[2])
local id, actual, prefix, ttl = ARGV[4], ARGV[5], ARGV[7], tonumber(ARGV[8])
local now = now_ms(ARGV[6])
local found = 0
for _, name in ipairs(cjson.decode(record[2])) do
  local hk, zk, wk = prefix .. 'scope:' .. name, prefix .. 'holds:' .. name, prefix .. 'window:' .. name
  local window = purge(hk, zk, wk, now, nil)
  local held = redis.call('HGET', hk, 'h:' .. id)
  if held then
    found = 1
    redis.call('HDEL', hk, 'h:' .. id)
    redis.call('ZREM', zk, id)
    if tonumber(held) > 0 then redis.call('HINCRBY', hk, 'reserved', int(-tonumber(held))) end
    if actual ~= '' then
      redis.call('HINCRBY', hk, 'spent', actual)
      if window > 0 then
        redis.call('ZADD', wk, now, actual .. ':' .. id)
        local keep = window + ttl
        redis.call('PEXPIRE', hk, keep)
        redis.call('PEXPIRE', wk, keep)
      end
    end
  end
end
return {gen, reset, found}
`;

/**
 * Records spending no reservation in Redis holds: one granted while Redis was down
 * (fail-open), or made before the data was lost. KEYS: generation, the charge's
 * idempotency marker (`P charged:<id>`), then per scope its hash, holds and window keys.
 * ARGV: seen, fresh, on_loss, id, units, ttlMs, now ('' = Redis TIME), count, then per
 * scope: expiresAt ('' = none), windowMs ('' = none). Returns {gen, reset, 1} when
 * charged, {gen, reset, 0} when this id was charged already (a retry after a lost answer).
 */
export const CHARGE_SCRIPT = `${PRELUDE}
local gen, reset = generation()
if not gen then return {'lost'} end
local id, units, ttl = ARGV[4], ARGV[5], tonumber(ARGV[6])
local now = now_ms(ARGV[7])
local count = tonumber(ARGV[8])
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ttl) then return {gen, reset, 0} end
for i = 1, count do
  local a = 8 + 2 * (i - 1)
  local hk, zk, wk = KEYS[3 * i], KEYS[3 * i + 1], KEYS[3 * i + 2]
  local expires_at, window = ARGV[a + 1], ARGV[a + 2]
  purge(hk, zk, wk, now, tonumber(window))
  redis.call('HINCRBY', hk, 'spent', units)
  if window ~= '' then
    redis.call('HSET', hk, 'window', window)
    redis.call('ZADD', wk, now, units .. ':' .. id)
    local keep = tonumber(window) + ttl
    redis.call('PEXPIRE', hk, keep)
    redis.call('PEXPIRE', wk, keep)
  end
  if expires_at ~= '' then redis.call('PEXPIREAT', hk, expires_at) end
end
return {gen, reset, 1}
`;

/**
 * KEYS: generation, then a scope's hash, holds and window keys. ARGV: seen, fresh,
 * on_loss, now. Returns {gen, reset, spent plus reserved}.
 */
export const SPENT_SCRIPT = `${PRELUDE}
local gen, reset = generation()
if not gen then return {'lost'} end
local now = now_ms(ARGV[4])
purge(KEYS[2], KEYS[3], KEYS[4], now, nil)
return {gen, reset, int(used(KEYS[2]))}
`;

export const sha1 = (script: string) => createHash('sha1').update(script).digest('hex');
