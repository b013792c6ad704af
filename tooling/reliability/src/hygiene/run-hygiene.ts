// The parent of a hygiene run: serves the faulting simulator over loopback HTTP, spawns
// the worker on it, reads its report, and watches whether it exits on its own once idle.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '@ply/simulator';
import {
  HYGIENE_FAULT_RATES,
  HYGIENE_FAULTS,
  type HygieneOptions,
  type WorkerOptions,
} from './hygiene-options.ts';
import type { HygieneReport } from './hygiene-report.ts';

const WORKER = fileURLToPath(new URL('./hygiene-worker.ts', import.meta.url));

/** The requirement: an idle process exits within a second (on an idle machine). */
export const EXIT_GRACE_MS = 1_000;

/** The grace a run gives the idle worker: the requirement, stretched by the time scale. */
export const exitGraceMs = (options: Pick<HygieneOptions, 'timeScale'>) =>
  Math.round(EXIT_GRACE_MS * options.timeScale);

export interface HygieneOutcome {
  report: HygieneReport;
  /** Exit code, or `undefined` when it was still alive `exitGraceMs` after reporting. */
  exitCode: number | undefined;
  /** From the report line to the exit; `undefined` when killed at the end of the grace. */
  exitMs: number | undefined;
  stderr: string;
  wallMs: number;
}

export async function runHygiene(options: HygieneOptions): Promise<HygieneOutcome> {
  const startedAt = performance.now();
  // Rate limits far above the run, so the simulator's own 429s come only from faults.
  const simulator = await startSimulator({ rateLimits: { rpm: 1e12, tpm: 1e15 } });
  simulator.simulator.faults.setRandom({
    seed: options.seed,
    rates: HYGIENE_FAULT_RATES,
    faults: HYGIENE_FAULTS,
  });
  // The request log grows with every request: it is the simulator's, not the worker's.
  const clearLog = setInterval(() => simulator.simulator.log.clear(), 1_000);
  try {
    const worker: WorkerOptions = {
      baseURL: simulator.url,
      calls: options.calls,
      aborted: options.aborted,
      concurrency: options.concurrency,
    };
    const outcome = await watchWorker(worker, exitGraceMs(options));
    return { ...outcome, wallMs: Math.round(performance.now() - startedAt) };
  } finally {
    clearInterval(clearLog);
    await simulator.close();
  }
}

function watchWorker(
  options: WorkerOptions,
  graceMs: number,
): Promise<Omit<HygieneOutcome, 'wallMs'>> {
  return new Promise((resolve, reject) => {
    // Bytecode V8 flushes from functions idle for a few collections (the set-up code)
    // would make the heap shrink between samples and hide a leak of the same size.
    const flags = ['--expose-gc', '--no-flush-bytecode'];
    const child = spawn(process.execPath, [...flags, WORKER, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let report: HygieneReport | undefined;
    let reportedAt = 0;
    let grace: NodeJS.Timeout | undefined;
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      if (report || !stdout.includes('\n')) return;
      reportedAt = performance.now();
      report = JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as HygieneReport;
      const reported = report;
      grace = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ report: reported, exitCode: undefined, exitMs: undefined, stderr });
      }, graceMs);
    });
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(grace);
      if (!report) {
        reject(new Error(`The worker exited (${code ?? signal}) without a report:\n${stderr}`));
        return;
      }
      const exitMs = Math.round(performance.now() - reportedAt);
      resolve({ report, exitCode: code ?? undefined, exitMs, stderr });
    });
  });
}
