import { createHash } from 'node:crypto';

/**
 * The Lua script behind `RedisCircuitStore`: every operation on a circuit is one run of
 * it, so admission and recording read and update the state with nothing in between,
 * whatever the number of processes.
 *
 * One hash per circuit, `<prefix><key>`:
 * - `state` (`closed`, `open`, `half-open`, `isolated`), `openedAt`, `openUntil` (epoch ms),
 *   `reopen` (reopens in a row), `consec` (failures in a row), `psucc` (probe successes in
 *   this half-open period), `seq` (the last lease number);
 * - `s:<bucket>` and `f:<bucket>`: successes and failures in window bucket
 *   `floor(time / (windowMs / windowBuckets))`;
 * - `p:<lease>`: a probe lease and its expiry.
 * A closed circuit expires a window after its last call (every bucket has left the window by
 * then); an open or half-open one when it could no longer matter (open time, plus the
 * longest open time, a lease and a window); an isolated one never. Times come from Redis
 * (`TIME`) unless the store was given a clock.
 *
 * ARGV: op, now (or ''), the eleven config numbers (or '' each), then op arguments
 * (record: outcome, lease; force: state; release: lease).
 * Replies: admit `{1, lease or '', state}` or `{0, retryAfterMs (-1: isolated), state}`;
 * record and snapshot `{state, openedAt, openUntil, reopen, calls, failures, consec,
 * probes in flight, probe successes}` as strings ('' for unset times).
 */
export const CIRCUIT_SCRIPT = `
local K = KEYS[1]
local op = ARGV[1]

local function now_ms(given)
  if given ~= nil and given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function int(n)
  return string.format('%.0f', n)
end

local now = now_ms(ARGV[2])
local cfg = nil
if ARGV[3] ~= '' then
  cfg = {
    windowMs = tonumber(ARGV[3]), buckets = tonumber(ARGV[4]), minThroughput = tonumber(ARGV[5]),
    ratio = tonumber(ARGV[6]), consec = tonumber(ARGV[7]), openMs = tonumber(ARGV[8]),
    factor = tonumber(ARGV[9]), maxOpenMs = tonumber(ARGV[10]), probes = tonumber(ARGV[11]),
    probeSuccesses = tonumber(ARGV[12]), leaseMs = tonumber(ARGV[13]),
  }
end

if op == 'release' then
  redis.call('HDEL', K, 'p:' .. ARGV[14])
  return 1
end

local raw = redis.call('HGETALL', K)
local exists = #raw > 0
local c = { state = 'closed', reopen = 0, consec = 0, psucc = 0, seq = 0,
  buckets = {}, probes = {}, nprobes = 0 }
for i = 1, #raw, 2 do
  local f, v = raw[i], raw[i + 1]
  local kind, rest = string.match(f, '^([sfp]):(.+)$')
  if kind == 'p' then
    c.probes[rest] = tonumber(v)
    c.nprobes = c.nprobes + 1
  elseif kind then
    local idx = tonumber(rest)
    local b = c.buckets[idx]
    if not b then
      b = { s = 0, f = 0 }
      c.buckets[idx] = b
    end
    b[kind] = tonumber(v)
  elseif f == 'state' then
    c.state = v
  else
    c[f] = tonumber(v)
  end
end

local function clear_probes()
  c.probes = {}
  c.nprobes = 0
  c.psucc = 0
end

local function open(for_ms, count)
  c.state = 'open'
  c.openedAt = now
  c.openUntil = now + for_ms
  c.reopen = count
  clear_probes()
end

local function reopen()
  local count = c.reopen + 1
  open(math.min(cfg.openMs * cfg.factor ^ count, cfg.maxOpenMs), count)
end

local function prune()
  local first = math.floor(now / (cfg.windowMs / cfg.buckets)) - cfg.buckets + 1
  for idx in pairs(c.buckets) do
    if idx < first then c.buckets[idx] = nil end
  end
  if next(c.buckets) == nil then c.consec = 0 end
end

local function totals()
  local calls, failures = 0, 0
  for _, b in pairs(c.buckets) do
    calls = calls + b.s + b.f
    failures = failures + b.f
  end
  return calls, failures
end

local function advance()
  if c.state == 'open' and c.openUntil and now >= c.openUntil then
    c.state = 'half-open'
    clear_probes()
  end
  if c.state == 'half-open' then
    for _, expiry in pairs(c.probes) do
      if expiry <= now then
        c.consec = c.consec + 1
        reopen()
        break
      end
    end
  end
  if c.state == 'closed' then prune() end
end

local function save()
  redis.call('DEL', K)
  if c.state == 'closed' and next(c.buckets) == nil then return end
  local fields = { 'state', c.state, 'reopen', int(c.reopen), 'consec', int(c.consec),
    'psucc', int(c.psucc), 'seq', int(c.seq) }
  if c.state ~= 'closed' and c.openedAt then
    table.insert(fields, 'openedAt')
    table.insert(fields, int(c.openedAt))
  end
  if (c.state == 'open' or c.state == 'half-open') and c.openUntil then
    table.insert(fields, 'openUntil')
    table.insert(fields, int(c.openUntil))
  end
  for idx, b in pairs(c.buckets) do
    if b.s > 0 then
      table.insert(fields, 's:' .. int(idx))
      table.insert(fields, int(b.s))
    end
    if b.f > 0 then
      table.insert(fields, 'f:' .. int(idx))
      table.insert(fields, int(b.f))
    end
  end
  for lease, expiry in pairs(c.probes) do
    table.insert(fields, 'p:' .. lease)
    table.insert(fields, int(expiry))
  end
  redis.call('HSET', K, unpack(fields))
  if c.state == 'isolated' or cfg == nil then return end
  local ttl
  if c.state == 'closed' then
    ttl = cfg.windowMs
  else
    ttl = math.max(0, (c.openUntil or now) - now) + cfg.maxOpenMs + cfg.leaseMs + cfg.windowMs
  end
  redis.call('PEXPIRE', K, int(math.max(1, math.ceil(ttl))))
end

local function describe()
  local calls, failures = totals()
  local state = c.state
  if state == 'open' and c.openUntil and now >= c.openUntil then state = 'half-open' end
  local opened, untl, probes, psucc = '', '', 0, 0
  if state ~= 'closed' and c.openedAt then opened = int(c.openedAt) end
  if (state == 'open' or state == 'half-open') and c.openUntil then untl = int(c.openUntil) end
  if state == 'half-open' then
    probes = c.nprobes
    psucc = c.psucc
  end
  return { state, opened, untl, int(c.reopen), int(calls), int(failures), int(c.consec),
    int(probes), int(psucc) }
end

local function fresh()
  c.state = 'closed'
  c.openedAt = nil
  c.openUntil = nil
  c.reopen = 0
  c.consec = 0
  c.buckets = {}
  clear_probes()
end

if op == 'snapshot' then
  return describe()
end

if op == 'force' then
  if ARGV[14] == 'closed' then
    redis.call('DEL', K)
    return 1
  end
  c.state = 'isolated'
  c.openedAt = now
  c.openUntil = nil
  clear_probes()
  save()
  return 1
end

if op == 'admit' then
  if not exists then return { 1, '', 'closed' } end
  advance()
  local reply
  if c.state == 'closed' then
    reply = { 1, '', 'closed' }
  elseif c.state == 'isolated' then
    return { 0, '-1', 'isolated' }
  elseif c.state == 'open' then
    reply = { 0, int(math.max(0, c.openUntil - now)), 'open' }
  elseif c.nprobes < cfg.probes then
    c.seq = c.seq + 1
    local lease = int(c.openedAt) .. '-' .. int(c.seq)
    c.probes[lease] = now + cfg.leaseMs
    c.nprobes = c.nprobes + 1
    reply = { 1, lease, 'half-open' }
  else
    local soonest = nil
    for _, expiry in pairs(c.probes) do
      if soonest == nil or expiry < soonest then soonest = expiry end
    end
    reply = { 0, int(math.max(1, soonest - now)), 'half-open' }
  end
  save()
  return reply
end

if op == 'record' then
  local outcome, lease = ARGV[14], ARGV[15]
  if not exists and lease ~= '' then return describe() end
  advance()
  if c.state == 'closed' and lease == '' then
    local idx = math.floor(now / (cfg.windowMs / cfg.buckets))
    local b = c.buckets[idx]
    if not b then
      b = { s = 0, f = 0 }
      c.buckets[idx] = b
    end
    if outcome == 'success' then
      b.s = b.s + 1
      c.consec = 0
    else
      b.f = b.f + 1
      c.consec = c.consec + 1
    end
    local calls, failures = totals()
    local streak = cfg.consec > 0 and c.consec >= cfg.consec
    local ratio = failures > 0 and calls >= cfg.minThroughput and failures / calls >= cfg.ratio
    if streak or ratio then open(math.min(cfg.openMs, cfg.maxOpenMs), 0) end
  elseif c.state == 'half-open' and lease ~= '' and c.probes[lease] then
    c.probes[lease] = nil
    c.nprobes = c.nprobes - 1
    if outcome == 'failure' then
      c.consec = c.consec + 1
      reopen()
    else
      c.psucc = c.psucc + 1
      if c.psucc >= cfg.probeSuccesses then fresh() end
    end
  end
  local reply = describe()
  save()
  return reply
end

return redis.error_reply('ERR unknown circuit operation ' .. tostring(op))
`;

export const CIRCUIT_SCRIPT_SHA1 = createHash('sha1').update(CIRCUIT_SCRIPT).digest('hex');
