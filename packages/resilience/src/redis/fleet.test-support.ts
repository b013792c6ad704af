// The 4-process fleet limiter test, run on one Redis (fleet-limiter.test.ts) and on a
// Redis Cluster (fleet-limiter-cluster.test.ts) with the same invariants.
//
// Each worker (test/workers/fleet-worker.mjs, the BUILT package) has its own RateLimiter
// on one shared RedisRateLimitStore, and calls a simulator over loopback whose own limits
// EQUAL the limiter's: the simulator refuses whatever the fleet sends beyond one global
// limit, so a single 429 in its log means the limiter leaked. The log also shows, window by
// window, that the fleet stayed within the RPM and TPM. The limiter's windows are a fixed
// 60 s (RATE_LIMIT_WINDOWS), so rather than wait a minute the workers try more calls than
// one window allows with `maxWaitMs: 0`: what does not fit is refused at once, and the
// whole run falls within the first window.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { LoggedRequest } from '@ply/simulator';
import { startSimulator } from '@ply/simulator';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

const WINDOW_MS = 60_000;
const PROCESSES = 4;
/** Spawning four processes and their calls on a loaded 2-core machine: generous. */
const FLEET_TEST_TIMEOUT_MS = 120_000;
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('../../test/workers/fleet-worker.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/redis/index.js', import.meta.url));

/** Where the workers' shared store lives: one server, or a cluster's start-up nodes. */
export type FleetRedis =
  | { redisPort: number }
  | { cluster: readonly { host: string; port: number }[] };

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

let runs = 0;

/** Throws, saying what to do, when the package the workers run is not built. */
export function requireBuiltPackage(): void {
  if (!existsSync(DIST)) {
    throw new Error(
      `${DIST} is missing: the multi-process test runs the built package; build it first (pnpm exec turbo run build --filter=@ply/resilience)`,
    );
  }
}

/**
 * Runs the fleet once on a fresh key space, against a fresh simulator whose limits are the
 * limiter's; returns the worker reports and the simulator's log of chat calls.
 */
async function runFleet(
  redis: FleetRedis,
  options: FleetOptions,
): Promise<{ reports: WorkerReport[]; entries: LoggedRequest[] }> {
  const id = ++runs;
  const apiKey = `fleet-key-${id}`;
  const prefix = `test:${process.pid}:fleet:${id}:`;
  const sim = await startSimulator({
    port: 0,
    rateLimits: { rpm: options.rpm, tpm: options.tpm },
  });
  try {
    const reports = await Promise.all(
      Array.from({ length: PROCESSES }, async (_, worker) => {
        const workerOptions = {
          ...redis,
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
    const entries = sim.simulator.log.entries.filter(
      (entry) => entry.path === '/v1/chat/completions',
    );
    return { reports, entries };
  } finally {
    await sim.close();
  }
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
  // biome-ignore lint/suspicious/noConsole: the run's numbers, printed beside its test as before
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
  // The simulator saw exactly the granted calls, and answered every one: no 429 from a
  // server whose limits are the limiter's.
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

/**
 * The fleet's two runs (requests bind, then tokens bind) with `redis()` read once the
 * file's `beforeAll` has started it.
 */
export function describeFleetLimiter(name: string, redis: () => FleetRedis): void {
  describe(`RateLimiter on one RedisRateLimitStore (${name}), 4 processes against the simulator`, () => {
    it(
      'holds one global RPM: exactly rpm calls reach the simulator in the window',
      async () => {
        // Requests bind: 160 attempts for 60 slots; tokens (about 40 a call) stay far below.
        const options: FleetOptions = {
          rpm: 60,
          tpm: 100_000,
          attempts: 40,
          concurrency: 4,
          maxOutputTokens: 20,
        };
        const { reports, entries } = await runFleet(redis(), options);
        const peak = assertConsistent(reports, entries, options);
        summary(`RPM bound (${name})`, reports, peak, options);
        // Nothing is refused while a slot is left, so the window fills exactly.
        expect(peak.requests).toBe(options.rpm);
        expect(reports.reduce((sum, r) => sum + r.refused, 0)).toBe(
          PROCESSES * options.attempts - options.rpm,
        );
      },
      FLEET_TEST_TIMEOUT_MS,
    );

    it(
      'holds one global TPM: the tokens the simulator logged stay within tpm',
      async () => {
        // Tokens bind: each call reserves its prompt plus 100 output tokens and reconciles
        // to far less, so the give-backs let more calls in than reservations alone.
        const options: FleetOptions = {
          rpm: 100_000,
          tpm: 3_000,
          attempts: 40,
          concurrency: 4,
          maxOutputTokens: 100,
        };
        const { reports, entries } = await runFleet(redis(), options);
        const peak = assertConsistent(reports, entries, options);
        summary(`TPM bound (${name})`, reports, peak, options);
        expect(reports.reduce((sum, r) => sum + r.refused, 0)).toBeGreaterThan(0);
        // While reservations alone fit, nothing is refused: at least tpm / largest
        // reservation calls get through (more, as reconciling gives unused output tokens
        // back). (Holds when no call used more than it reserved, as here: see underReserved.)
        const largestReservation = Math.max(...reports.map((r) => r.maxReservedTokens));
        expect(reports.reduce((sum, r) => sum + r.underReserved, 0)).toBe(0);
        expect(peak.requests).toBeGreaterThanOrEqual(Math.floor(options.tpm / largestReservation));
      },
      FLEET_TEST_TIMEOUT_MS,
    );
  });
}
