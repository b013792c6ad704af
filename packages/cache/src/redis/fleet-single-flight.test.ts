// Issue requirement: 100 concurrent identical calls across 4 processes on one Redis reach
// the simulator once. Each worker (test/workers/cache-worker.mjs, the BUILT package) makes
// 25 at once through its own responseCache on one shared RedisCacheStore.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSimulator } from '@ply/simulator';
import { type RunningRedisServer, startRedisServer } from '@ply/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PROCESSES = 4;
const CALLS_PER_PROCESS = 25;
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('../../test/workers/cache-worker.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/redis/index.js', import.meta.url));

interface WorkerReport {
  hits: number;
  misses: number;
  texts: string[];
  errors: string[];
}

let redis: RunningRedisServer;

beforeAll(async () => {
  if (!existsSync(DIST)) {
    throw new Error(
      `${DIST} is missing: the multi-process test runs the built package; build it first (pnpm --filter @ply/cache run build)`,
    );
  }
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

describe('responseCache on one RedisCacheStore, 4 processes against the simulator', () => {
  it('100 concurrent identical calls across 4 processes reach the simulator once', async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      const workerOptions = {
        port: redis.port,
        prefix: `test:${process.pid}:fleet:`,
        baseURL: sim.url,
        processes: PROCESSES,
        calls: CALLS_PER_PROCESS,
        content: 'One answer for the whole fleet, please.',
      };
      const reports = await Promise.all(
        Array.from({ length: PROCESSES }, async () => {
          const { stdout } = await run(process.execPath, [WORKER, JSON.stringify(workerOptions)], {
            cwd: PACKAGE_DIR,
          });
          return JSON.parse(stdout) as WorkerReport;
        }),
      );
      expect(reports.flatMap((report) => report.errors)).toEqual([]);
      expect(sim.simulator.log.filter('/v1/chat/completions')).toHaveLength(1);
      // Every call got the one answer: one miss in the fleet, every other call a hit.
      const texts = new Set(reports.flatMap((report) => report.texts));
      expect(texts.size).toBe(1);
      expect(reports.reduce((sum, report) => sum + report.misses, 0)).toBe(1);
      expect(reports.reduce((sum, report) => sum + report.hits, 0)).toBe(
        PROCESSES * CALLS_PER_PROCESS - 1,
      );
    } finally {
      await sim.close();
    }
  }, 120_000);
});
