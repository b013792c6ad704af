// Issue requirement: 4 worker processes sharing one Redis limiter against the simulator
// stay within one global RPM/TPM limit, as counted by the simulator's own request log.
//
// Redis and the simulator run here, over loopback; the simulator's own limits are far
// above the limiter's, so it never refuses and only the limiter holds the line. Each
// worker (fleet-worker.mjs, the BUILT package) has its own RateLimiter on one shared
// RedisRateLimitStore. The limiter's windows are a fixed 60 s (RATE_LIMIT_WINDOWS), so
// rather than wait a minute the workers try more calls than one window allows with
// `maxWaitMs: 0`: what does not fit is refused at once, and the whole run falls within
// the first window.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LoggedRequest, RunningSimulator } from '@ply/simulator';
import { startSimulator } from '@ply/simulator';
import { type RunningRedisServer, startRedisServer } from '@ply/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

const WINDOW_MS = 60_000;
const PROCESSES = 4;
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('../../test/workers/fleet-worker.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/redis/index.js', import.meta.url));

interface WorkerReport {
  worker: number;
  granted: number;
  refused: number;
  failed: string[];
  reservedTokens: number;
  maxReservedTokens: number;
  usedTokens: number;
  underReserved: number;
}

interface FleetOptions {
  rpm: number;
  tpm: number;
  attempts: number;
  concurrency: number;
  maxOutputTokens: number;
}

interface WindowPeak {
  requests: number;
  tokens: number;
}

let redis: RunningRedisServer;
let sim: RunningSimulator;
let runs = 0;

beforeAll(async () => {
  if (!existsSync(DIST)) {
    throw new Error(
      `${DIST} is missing: the multi-process test runs the built package; build it first (pnpm exec turbo run build --filter=@ply/resilience)`,
    );
  }
  redis = await startRedisServer();
  // Far above anything the limiter grants: a 429 here would mean the limiter leaked.
  sim = await startSimulator({ port: 0, rateLimits: { rpm: 1_000_000, tpm: 1_000_000_000 } });
});

afterAll(async () => {
  await sim?.close();
  await redis?.stop();
});

/** Runs the fleet once on a fresh key space; returns the worker reports and its log. */
async function runFleet(
  options: FleetOptions,
): Promise<{ reports: WorkerReport[]; entries: LoggedRequest[] }> {
  const id = ++runs;
  const apiKey = `fleet-key-${id}`;
  const prefix = `test:${process.pid}:fleet:${id}:`;
  const from = sim.simulator.log.entries.length;
  const reports = await Promise.all(
    Array.from({ length: PROCESSES }, async (_, worker) => {
      const workerOptions = {
        redisPort: redis.port,
        prefix,
        key: sim.url,
        baseURL: sim.url,
        apiKey,
        model: 'gpt-4o-mini',
        worker,
        processes: PROCESSES,
        ...options,
      };
      const { stdout } = await run(process.execPath, [WORKER, JSON.stringify(workerOptions)], {
        cwd: PACKAGE_DIR,
      });
      return JSON.parse(stdout) as WorkerReport;
    }),
  );
  const entries = sim.simulator.log.entries
    .slice(from)
    .filter((entry) => entry.path === '/v1/chat/completions');
  return { reports, entries };
}

const tokensOf = (entry: LoggedRequest) =>
  (entry.usage?.prompt_tokens ?? 0) + (entry.usage?.completion_tokens ?? 0);

/**
 * The most successful requests, and separately the most tokens, that fall in any 60 s
 * window `[t, t + 60 s)` of the log (every window worth checking starts at an entry).
 */
function windowPeaks(entries: readonly LoggedRequest[]): WindowPeak {
  const ok = entries.filter((entry) => entry.status === 200).sort((a, b) => a.at - b.at);
  const peak: WindowPeak = { requests: 0, tokens: 0 };
  let end = 0;
  let tokens = 0;
  for (let start = 0; start < ok.length; start++) {
    while (
      end < ok.length &&
      (ok[end] as LoggedRequest).at < (ok[start] as LoggedRequest).at + WINDOW_MS
    ) {
      tokens += tokensOf(ok[end] as LoggedRequest);
      end++;
    }
    peak.requests = Math.max(peak.requests, end - start);
    peak.tokens = Math.max(peak.tokens, tokens);
    tokens -= tokensOf(ok[start] as LoggedRequest);
  }
  return peak;
}

function summary(label: string, reports: WorkerReport[], peak: WindowPeak, options: FleetOptions) {
  const perWorker = reports.map((r) => `w${r.worker} ${r.granted}/${r.refused}`).join(', ');
  const reserved = reports.reduce((sum, r) => sum + r.reservedTokens, 0);
  const used = reports.reduce((sum, r) => sum + r.usedTokens, 0);
  console.log(
    `${label}: ${PROCESSES} processes, granted/refused ${perWorker}; ` +
      `simulator log peak in 60 s: ${peak.requests} requests of rpm ${options.rpm}, ` +
      `${peak.tokens} tokens of tpm ${options.tpm} (reserved ${reserved}, used ${used})`,
  );
}

function assertConsistent(
  reports: WorkerReport[],
  entries: LoggedRequest[],
  options: FleetOptions,
): WindowPeak {
  for (const report of reports) {
    expect(report.failed).toEqual([]);
    expect(report.granted + report.refused).toBe(options.attempts);
  }
  const granted = reports.reduce((sum, r) => sum + r.granted, 0);
  // The simulator saw exactly the granted calls, and answered every one.
  expect(entries.length).toBe(granted);
  expect(entries.filter((entry) => entry.status !== 200)).toEqual([]);
  // The log's own usage is what the workers reconciled.
  const used = reports.reduce((sum, r) => sum + r.usedTokens, 0);
  expect(entries.reduce((sum, entry) => sum + tokensOf(entry), 0)).toBe(used);
  const peak = windowPeaks(entries);
  expect(peak.requests).toBeLessThanOrEqual(options.rpm);
  expect(peak.tokens).toBeLessThanOrEqual(options.tpm);
  return peak;
}

describe('RateLimiter on one RedisRateLimitStore, 4 processes against the simulator', () => {
  it('holds one global RPM: exactly rpm calls reach the simulator in the window', async () => {
    // Requests bind: 160 attempts for 60 slots; tokens (about 40 a call) stay far below.
    const options: FleetOptions = {
      rpm: 60,
      tpm: 100_000,
      attempts: 40,
      concurrency: 4,
      maxOutputTokens: 20,
    };
    const { reports, entries } = await runFleet(options);
    const peak = assertConsistent(reports, entries, options);
    summary('RPM bound', reports, peak, options);
    // Nothing is refused while a slot is left, so the window fills exactly.
    expect(peak.requests).toBe(options.rpm);
    expect(reports.reduce((sum, r) => sum + r.refused, 0)).toBe(
      PROCESSES * options.attempts - options.rpm,
    );
  }, 30_000);

  it('holds one global TPM: the tokens the simulator logged stay within tpm', async () => {
    // Tokens bind: each call reserves its estimated prompt plus 100 output tokens and
    // reconciles to far less, so the give-backs let more calls in than reservations alone.
    const options: FleetOptions = {
      rpm: 100_000,
      tpm: 3_000,
      attempts: 40,
      concurrency: 4,
      maxOutputTokens: 100,
    };
    const { reports, entries } = await runFleet(options);
    const peak = assertConsistent(reports, entries, options);
    summary('TPM bound', reports, peak, options);
    expect(reports.reduce((sum, r) => sum + r.refused, 0)).toBeGreaterThan(0);
    // While reservations alone fit, nothing is refused: at least tpm / largest reservation
    // calls get through (more, as reconciling gives unused output tokens back).
    // (Holds when no call used more than it reserved, as here: see underReserved.)
    const largestReservation = Math.max(...reports.map((r) => r.maxReservedTokens));
    expect(reports.reduce((sum, r) => sum + r.underReserved, 0)).toBe(0);
    expect(peak.requests).toBeGreaterThanOrEqual(Math.floor(options.tpm / largestReservation));
  }, 30_000);
});
