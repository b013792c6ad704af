// The process of leak.test.ts: runs many calls through the full resilience() stack over
// the BUILT packages (build first), then reports what is left behind (timers, listeners
// on the caller signal, heap after call 10,000 and after the last) and simply returns.
// Nothing is closed or disposed on purpose: if a policy left a referenced timer, a listener
// or a socket behind, the process would not exit on its own and the test would see it.
//
//   node --expose-gc leak-worker.mjs <json options>
//   options: { calls, concurrency, streamEvery, faultRate, seed }
//
// Prints one JSON line: { calls, ok, failed, streams, signalListeners, timersBefore,
// timersAfter, heapAfterWarmUp, heapAfterAll }.
import { getEventListeners } from 'node:events';
import { systemClock, wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { createSimulator } from '@ply/simulator';
import { Bulkhead, CircuitBreaker, RateLimiter, resilience } from '../../dist/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
let jumpingNow = Date.now();
const minuteJumpingClock = {
  now: () => (jumpingNow += 61_000),
  sleep: (ms, signal) => systemClock.sleep(ms, signal),
};
// Limits far above the run, so the simulator's own 429s do not pace it.
const simulator = createSimulator({ rateLimits: { rpm: 1e12, tpm: 1e15 } });
simulator.faults.setRandom({ seed: options.seed, rates: { 'server-error': options.faultRate } });
const openai = createOpenAIProvider({
  apiKey: 'test-key',
  baseURL: 'http://simulator.invalid/v1',
  fetch: simulator.fetch,
});
// Deadlines and attempt timeouts of ten minutes: a timer left referenced keeps us alive.
const provider = wrapProvider(
  openai,
  resilience({
    retry: {
      maxAttempts: 5,
      baseDelayMs: 1,
      maxDelayMs: 2,
      deadlineMs: 600_000,
      attemptTimeoutMs: 600_000,
    },
    breaker: new CircuitBreaker({ consecutiveFailures: 50, minimumThroughput: 1_000 }),
    // Its clock jumps a minute per reading, so its one-minute logs stay empty: what the
    // heap keeps is then a leak, not a window of recent requests.
    limiter: new RateLimiter({
      rpm: 1e9,
      tpm: Number.POSITIVE_INFINITY,
      maxConcurrent: 64,
      clock: minuteJumpingClock,
    }),
    bulkhead: new Bulkhead({ maxConcurrent: options.concurrency, maxQueue: options.concurrency }),
  }),
);
// One long-lived caller signal shared by every call: each call must take its listener back.
const caller = new AbortController();
const request = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hi.' }],
  maxOutputTokens: 4,
};

/**
 * Heap in use once the event loop has turned: calls served in process resolve through
 * promises alone, so V8 keeps every WeakRef target (AbortSignal.any, undici's Request)
 * alive until the job ends. Turning the loop lets finalizers run before measuring.
 */
async function heap() {
  // Until collections stop giving memory back: finalizers lag further on a busy machine.
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 40; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const used = process.memoryUsage().heapUsed;
    if (round >= 3 && used > previous * 0.995) return used;
    previous = Math.min(previous, used);
  }
  return previous;
}
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

let next = 0;
let ok = 0;
let failed = 0;
let streams = 0;
async function lane(until) {
  while (next < until) {
    const index = next++;
    try {
      if (index % options.streamEvery === 0) {
        streams++;
        const stream = provider.stream(request, { signal: caller.signal });
        for await (const _event of stream);
      } else {
        await provider.complete(request, { signal: caller.signal });
      }
      ok++;
    } catch {
      failed++;
    }
    if (index % 100 === 0) {
      // The simulator's own request log is not ours to measure.
      simulator.log.clear();
      // In-process calls never leave the job on their own: let finalizers run, as real I/O would.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
const run = (until) => Promise.all(Array.from({ length: options.concurrency }, () => lane(until)));

const timersBefore = timers();
await run(Math.min(options.calls, 10_000));
const heapAfterWarmUp = await heap();
await run(options.calls);
simulator.log.clear();
const heapAfterAll = await heap();
process.stdout.write(
  `${JSON.stringify({
    calls: next,
    ok,
    failed,
    streams,
    signalListeners: getEventListeners(caller.signal, 'abort').length,
    timersBefore,
    timersAfter: timers(),
    heapAfterWarmUp,
    heapAfterAll,
  })}\n`,
);
