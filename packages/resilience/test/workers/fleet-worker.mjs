// One process of the multi-process limiter test (fleet-limiter.test.ts spawns it several
// times). It runs the BUILT package, as a separate deployment would: build first.
//
//   node fleet-worker.mjs <json options>
//   options: { redisPort, prefix, key, baseURL, apiKey, model, worker, processes,
//              attempts, concurrency, rpm, tpm, maxOutputTokens }
//
// Every process has its own RateLimiter on one shared RedisRateLimitStore (same prefix,
// same key). Each attempt acquires (maxWaitMs 0: a call that does not fit now is refused
// with RateLimitWaitExceededError rather than waiting out the 60 s window), calls the
// simulator through @ply/provider-openai, and reconciles the real usage. Prints one JSON
// line: { worker, granted, refused, failed, reservedTokens, maxReservedTokens, usedTokens,
// underReserved }.
import { createOpenAIProvider } from '@ply/provider-openai';
import { Redis } from 'ioredis';
import { RateLimiter } from '../../dist/index.js';
import { RedisRateLimitStore } from '../../dist/redis/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const redis = new Redis({ host: '127.0.0.1', port: options.redisPort, maxRetriesPerRequest: 1 });
const limiter = new RateLimiter({
  rpm: options.rpm,
  tpm: options.tpm,
  // A loaded machine can starve Redis for seconds: this test is about the limit, not speed.
  store: new RedisRateLimitStore({ redis, prefix: options.prefix, timeoutMs: 30_000 }),
  maxWaitMs: 0,
});
const provider = createOpenAIProvider({ apiKey: options.apiKey, baseURL: options.baseURL });

let granted = 0;
let refused = 0;
const failed = [];
let reservedTokens = 0;
let maxReservedTokens = 0;
let usedTokens = 0;
/** Calls whose real usage exceeded what the limiter reserved for them. */
let underReserved = 0;
let next = 0;

async function lane() {
  while (next < options.attempts) {
    const attempt = next++;
    const request = {
      model: options.model,
      messages: [
        { role: 'user', content: `Worker ${options.worker}, call ${attempt}: one short line.` },
      ],
      maxOutputTokens: options.maxOutputTokens,
    };
    let permit;
    try {
      permit = await limiter.acquire({ key: options.key, request });
    } catch (error) {
      if (error?.code !== 'rate_limit_wait_exceeded') throw error;
      refused++;
      continue;
    }
    granted++;
    reservedTokens += permit.reservedTokens;
    maxReservedTokens = Math.max(maxReservedTokens, permit.reservedTokens);
    try {
      const result = await provider.complete(request);
      const used = result.usage.inputTokens + result.usage.outputTokens;
      usedTokens += used;
      if (used > permit.reservedTokens) underReserved++;
      await permit.reconcile(result.usage);
    } catch (error) {
      // Reported, not thrown: the test shows what failed next to the counts.
      permit.release();
      failed.push(String(error?.message ?? error));
    }
  }
}

// Start together: each process counts itself in, then waits for the others.
await redis.incr(`${options.prefix}test-barrier`);
while (Number(await redis.get(`${options.prefix}test-barrier`)) < options.processes) {
  await new Promise((resolve) => setTimeout(resolve, 5));
}

try {
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  process.stdout.write(
    `${JSON.stringify({
      worker: options.worker,
      granted,
      refused,
      failed,
      reservedTokens,
      maxReservedTokens,
      usedTokens,
      underReserved,
    })}\n`,
  );
} finally {
  redis.disconnect();
}
