// Issue requirement: no timer or listener leak after 100,000 calls, and the process exits
// promptly when idle. The calls run in a child process (leak-worker.mjs, on the BUILT
// package) so that "exits on its own" can be observed: the worker never closes anything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const WORKER = fileURLToPath(new URL('../../test/workers/leak-worker.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
/** How long the worker may stay alive after its last call: far below any policy timer. */
const EXIT_GRACE_MS = 15_000;

interface LeakReport {
  calls: number;
  ok: number;
  failed: number;
  streams: number;
  signalListeners: number;
  timersBefore: number;
  timersAfter: number;
  heapAfterWarmUp: number;
  heapAfterAll: number;
}

interface WorkerOutcome {
  report: LeakReport;
  /** Exit code, or `undefined` when it was still alive `EXIT_GRACE_MS` after reporting. */
  exitCode: number | undefined;
  stderr: string;
}

function runWorker(options: Record<string, unknown>): Promise<WorkerOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', WORKER, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let report: LeakReport | undefined;
    let grace: NodeJS.Timeout | undefined;
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      if (report || !stdout.includes('\n')) return;
      report = JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as LeakReport;
      const finished = report;
      grace = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ report: finished, exitCode: undefined, stderr });
      }, EXIT_GRACE_MS);
    });
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(grace);
      if (report) resolve({ report, exitCode: code ?? undefined, stderr });
      else reject(new Error(`The worker exited (${code}) without a report:\n${stderr}`));
    });
  });
}

beforeAll(() => {
  if (!existsSync(DIST)) {
    throw new Error(
      `${DIST} is missing: the leak test runs the built package; build it first (pnpm exec turbo run build --filter=@ply/resilience)`,
    );
  }
});

describe('resilience() over 100,000 calls', () => {
  it('leaves no timer, abort listener or heap growth behind, and the process exits on its own', {
    timeout: 300_000,
  }, async () => {
    const { report, exitCode, stderr } = await runWorker({
      calls: 100_000,
      concurrency: 16,
      streamEvery: 10,
      faultRate: 0.02,
      seed: 6,
    });
    expect(stderr).toBe('');
    expect(report.calls).toBe(100_000);
    expect(report.streams).toBe(10_000);
    // Two percent of attempts fail with a 5xx and are retried, up to five attempts: a call
    // fails only on five faults in a row (one chance in 3·10^8).
    expect(report.ok + report.failed).toBe(100_000);
    expect(report.failed).toBeLessThanOrEqual(1);
    expect(report.signalListeners).toBe(0);
    expect(report.timersAfter).toBe(report.timersBefore);
    // What the heap keeps from call 10,000 to 100,000. Measured: 2 to 8 MB when idle (the
    // bare provider alone keeps 8 MB, Node's fetch); one leaked permit a call: 184 MB.
    expect(report.heapAfterAll - report.heapAfterWarmUp).toBeLessThan(32 * 2 ** 20);
    expect(exitCode).toBe(0);
  });
});
