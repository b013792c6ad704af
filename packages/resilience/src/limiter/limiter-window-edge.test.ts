// Issue: the limiter and the server disagree at the window's edge. The limiter counted a
// request when it granted the permit, the server when the request arrived, so a minute
// later the limiter freed the slot before the server did and the next request met a 429.
//
// A saturating load runs against the simulator with the same RPM, both on one scaled clock
// (a 60 s window lasts a few real seconds), with nothing to retry a 429. Throughput is
// counted in requests per window of that clock, not in wall time. The first window is a
// warm-up: it opens with the whole limit at once, answered only as fast as this one
// process serves 60 requests, and each slot then comes back a window after its answer,
// so that spread shifts every later window alike. The three windows after it are
// measured: 95% of the limit must be served in them, and no window may meet a 429.
import { wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { rateLimit } from '../middleware/limiter-middleware.js';
import { RateLimiter } from './limiter.js';
import { ScaledClock } from './scaled-clock.test-support.js';

const WINDOW_MS = 60_000;
const RPM = 60;
/** One window of warm-up, three measured. */
const WINDOWS = 4;
const MEASURED = [1, 2, 3];
/**
 * A window lasts 12 real seconds. A slot comes back a window after its answer, so each
 * request's round trip, stretched by the speed-up, is a window's time no request arrives
 * in: at 5x a loaded machine's 0.6 s round trip still leaves 95% of a window served.
 */
const SPEED = 5;
/** More callers than slots, so someone always waits for the next one. */
const CALLERS = RPM + 30;

let simulator: RunningSimulator | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

describe('RateLimiter at the window edge, against the simulator with the same RPM', () => {
  it('saturating load meets no 429 and serves 95% of the limit in three windows', async () => {
    const clock = new ScaledClock(SPEED);
    const start = clock.now();
    simulator = await startSimulator({ port: 0, clock, rateLimits: { rpm: RPM } });
    const openai = createOpenAIProvider({ apiKey: 'test-key', baseURL: simulator.url });
    const limiter = new RateLimiter({ rpm: RPM, tpm: Number.POSITIVE_INFINITY, clock });
    // No retry: a 429 reaches the caller, as with `maxAttempts: 1`.
    const provider = wrapProvider(openai, rateLimit(limiter));

    const end = start + WINDOWS * WINDOW_MS;
    const stop = new AbortController();
    const refusals: unknown[] = [];
    const lane = async (caller: number) => {
      for (let call = 0; clock.now() < end; call++) {
        try {
          await provider.complete(
            {
              model: 'gpt-4o-mini',
              messages: [{ role: 'user', content: `Caller ${caller}, call ${call}.` }],
              maxOutputTokens: 5,
            },
            { signal: stop.signal },
          );
        } catch (error) {
          if (stop.signal.aborted) return;
          refusals.push(error);
        }
      }
    };
    const lanes = Array.from({ length: CALLERS }, (_, caller) => lane(caller));
    await clock.sleep(end - clock.now());
    // Those still waiting for a slot of the next window leave.
    stop.abort();
    await Promise.all(lanes);

    const chats = simulator.simulator.log.filter('/v1/chat/completions');
    const tooMany = chats.filter((entry) => entry.status === 429);
    const perWindow = MEASURED.map(
      (window) =>
        chats.filter(
          (entry) =>
            entry.status === 200 &&
            entry.at >= start + window * WINDOW_MS &&
            entry.at < start + (window + 1) * WINDOW_MS,
        ).length,
    );
    console.log(
      `window edge: ${chats.length} requests, ${tooMany.length} answered 429; served in the measured windows ${perWindow.join(', ')} of ${RPM}`,
    );
    expect(tooMany).toEqual([]);
    // Not one caller met a RateLimitError (or anything else).
    expect(refusals).toEqual([]);
    const served = perWindow.reduce((sum, count) => sum + count, 0);
    expect(served).toBeGreaterThanOrEqual(Math.ceil(0.95 * RPM * MEASURED.length));
  }, 300_000);
});
