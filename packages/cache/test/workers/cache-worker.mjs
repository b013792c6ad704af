// One process of the fleet single-flight test (src/redis/fleet-single-flight.test.ts spawns
// it several times). It runs the BUILT package, as a separate deployment would: build first.
//
//   node cache-worker.mjs <json options>
//   options: { port, prefix, baseURL, processes, calls, content }
//
// It makes `calls` identical calls at once through a responseCache on a shared
// RedisCacheStore, in front of the OpenAI adapter on the simulator, and prints one JSON
// line: { hits, misses, texts, errors } (texts: the distinct answers it got; errors: what
// the store failed, which the cache skipped).
import { wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { Redis } from 'ioredis';
import { responseCache } from '../../dist/index.js';
import { RedisCacheStore } from '../../dist/redis/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const redis = new Redis({ host: '127.0.0.1', port: options.port, maxRetriesPerRequest: 1 });
let hits = 0;
let misses = 0;
const errors = [];
const provider = wrapProvider(
  createOpenAIProvider({ apiKey: 'test-key', baseURL: options.baseURL }),
  responseCache({
    // A loaded machine can starve Redis for seconds: this test is about sharing, not speed.
    store: new RedisCacheStore({ redis, prefix: options.prefix, timeoutMs: 30_000 }),
    onEvent: (event) => {
      if (event.type === 'cache-hit') hits++;
      if (event.type === 'cache-miss') misses++;
      if (event.type === 'cache-store-error')
        errors.push(`${event.operation}: ${event.error?.message}`);
    },
  }),
);

// Start together: each process counts itself in, then waits for the others.
await redis.incr(`${options.prefix}test-barrier`);
while (Number(await redis.get(`${options.prefix}test-barrier`)) < options.processes) {
  await new Promise((resolve) => setTimeout(resolve, 5));
}

try {
  const request = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: options.content }],
    temperature: 0,
  };
  const answers = await Promise.all(
    Array.from({ length: options.calls }, () => provider.complete(request)),
  );
  const texts = [...new Set(answers.map((answer) => answer.text))];
  // The answer this process produced is written to Redis after its callers have it:
  // dispose waits for that write, as a process that stops should.
  await provider.dispose();
  process.stdout.write(`${JSON.stringify({ hits, misses, texts, errors })}\n`);
} finally {
  redis.disconnect();
}
