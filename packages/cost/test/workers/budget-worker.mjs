// One process of the multi-process budget test (redis-budget-store.test.ts spawns it
// several times). It runs the BUILT package, as a separate deployment would: build first.
//
//   node budget-worker.mjs <json options>
//   options: { port | cluster, prefix, worker, processes, attempts, concurrency, amount, limits }
//   (cluster: the start-up nodes of a Redis Cluster, [{ host, port }], instead of a port)
//
// It makes `attempts` reservations through a BudgetManager on a shared RedisBudgetStore,
// `concurrency` at a time, settles each granted one at `amount`, and prints one JSON line:
// { granted, refused }.
import { Cluster, Redis } from 'ioredis';
import { BudgetManager } from '../../dist/budgets/index.js';
import { RedisBudgetStore } from '../../dist/redis/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const redis = options.cluster
  ? new Cluster(options.cluster, { redisOptions: { maxRetriesPerRequest: 1 } })
  : new Redis({ host: '127.0.0.1', port: options.port, maxRetriesPerRequest: 1 });
const manager = new BudgetManager({
  limits: options.limits,
  // A loaded machine can starve Redis for seconds: this test is about the limit, not speed.
  store: new RedisBudgetStore({ redis, prefix: options.prefix, timeoutMs: 30_000 }),
});

let granted = 0;
let refused = 0;
let next = 0;

async function lane() {
  while (next < options.attempts) {
    const attempt = next++;
    try {
      const reservation = await manager.reserve({
        model: 'gpt-test',
        metadata: { user: `user-${(options.worker + attempt) % 3}` },
        amount: options.amount,
      });
      granted++;
      await reservation.settle(options.amount);
    } catch (error) {
      if (error?.code !== 'budget_exceeded') throw error;
      refused++;
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
  process.stdout.write(`${JSON.stringify({ granted, refused })}\n`);
} finally {
  redis.disconnect();
}
