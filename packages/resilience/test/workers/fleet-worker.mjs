// One process of the multi-process limiter tests (fleet-limiter.test.ts and
// fleet-limiter-cluster.test.ts spawn it several times). It runs the BUILT package, as a
// separate deployment would: build first.
//
//   node fleet-worker.mjs <json options>
//   options: { redisPort | cluster, prefix, key, baseURL, apiKey, model, worker, processes,
//              attempts, concurrency, rpm, tpm, maxOutputTokens }
//   (cluster: the start-up nodes of a Redis Cluster, [{ host, port }], instead of a port)
//
// Every process has its own RateLimiter on one shared RedisRateLimitStore (same prefix,
// same key). Each attempt acquires (maxWaitMs 0: a call that does not fit now is refused
// with RateLimitWaitExceededError rather than waiting out the 60 s window), calls the
// simulator through @ply/provider-openai, and reconciles the real usage. Prints one JSON
// line: { worker, granted, refused, failed, reservedTokens, maxReservedTokens, usedTokens,
// underReserved }.
//
// Prompts are counted with @ply/cost's tiktoken estimator, as the simulator bills them, so
// a reservation is exactly the simulator's charge and its own limits can equal the
// limiter's. (The default estimate, four characters a token, reserves 15 prompt tokens
// where the simulator charges 19: a limit full of reservations would overrun its TPM.)
import { tiktokenEstimator } from '@ply/cost';
import { createOpenAIProvider } from '@ply/provider-openai';
import { Cluster, Redis } from 'ioredis';
import { RateLimiter } from '../../dist/index.js';
import { RedisRateLimitStore } from '../../dist/redis/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const redis = options.cluster
  ? new Cluster(options.cluster, { redisOptions: { maxRetriesPerRequest: 1 } })
  : new Redis({ host: '127.0.0.1', port: options.redisPort, maxRetriesPerRequest: 1 });
const limiter = new RateLimiter({
  rpm: options.rpm,
  tpm: options.tpm,
  estimator: tiktokenEstimator,
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

// Load the encoder before the start, so every process is ready to call when the others are.
tiktokenEstimator.estimateChat({ model: options.model, messages: [{ role: 'user', content: '' }] });

// Start together: each process counts itself in, then waits for the others. (One key, so
// on a cluster it lives in one slot like any other.)
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
