import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, for `EVALSHA`. */
export interface CacheScript {
  source: string;
  sha1: string;
}

function script(source: string): CacheScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

// KEYS[1] the answer, KEYS[2] its lease (one hash tag: one cluster slot).

/** ARGV: token, leaseMs. The answer; else the lease if free; else the lease's remaining ms. */
export const CLAIM = script(`
local answer = redis.call('GET', KEYS[1])
if answer then return {'hit', answer} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'leased'} end
return {'busy', redis.call('PTTL', KEYS[2])}
`);

/** ARGV: payload, ttlMs, token ('' for none). Stores, then frees the lease if still ours. */
export const FILL = script(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1
`);

/** ARGV: token. Frees the lease if still ours. */
export const RELEASE = script(`
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`);

/** ARGV: token, leaseMs. Extends the lease if still ours: 1, else 0. */
export const RENEW = script(`
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return 1
end
return 0
`);
