import { readFile } from 'node:fs/promises';
import { PlyError } from '@ply/core';
import { openStack } from '../commands/open-stack.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { estimateExperiment } from './estimate-experiments.js';
import { type ExperimentPlan, planExperiments } from './plan-experiments.js';
import { ProgressBar, type ProgressOutput } from './progress-bar.js';
import { openResultFiles, type ResultFile } from './result-files.js';
import { type RunOutcome, runExperiments } from './run-experiments.js';
import { parseRunOptions, RUN_HELP, type RunOptions, RunUsageError } from './run-options.js';
import { formatRunSummary, summariseRun } from './run-summary.js';
import { formatValidationReport } from './validation-report.js';

export interface RunCommandIo {
  stdout: ProgressOutput;
  /** Progress, warnings and errors; a bar when it is a terminal. */
  stderr: ProgressOutput;
  /** The stack to run on (tests pass their own); otherwise one from `--config`, disposed after. */
  stack?: PlaygroundStack;
  /** Listen for Ctrl-C (the CLI does; tests do not). */
  handleSignals?: boolean;
}

/** `ply run`: the experiment runner. Returns the exit code. */
export async function runCommand(args: string[]): Promise<number> {
  return executeRun(args, { stdout: process.stdout, stderr: process.stderr, handleSignals: true });
}

/** `ply run` with its streams and stack given, so it can run in process. */
export async function executeRun(args: readonly string[], io: RunCommandIo): Promise<number> {
  let options: RunOptions | 'help';
  try {
    options = parseRunOptions(args);
  } catch (error) {
    if (!(error instanceof RunUsageError)) throw error;
    io.stderr.write(`ply run: ${error.message}\nRun "ply run --help" for the options.\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(RUN_HELP);
    return 0;
  }

  let inputs: { prompt: string; experiments: string; system?: string };
  try {
    inputs = await readInputs(options);
  } catch (error) {
    io.stderr.write(`ply run: ${(error as Error).message}\n`);
    return 1;
  }

  const stack = io.stack ?? (await openStack(options.configPath));
  try {
    const plan = planExperiments({ ...inputs, providers: stack.registry.ids() });
    if (options.validate) {
      io.stdout.write(
        formatValidationReport({
          plan,
          estimates: plan.experiments.map(estimateExperiment),
          promptPath: options.promptPath,
          experimentsPath: options.experimentsPath,
          budgetUsd: stack.config.budget.limit,
        }),
      );
      return plan.problems.length === 0 ? 0 : 1;
    }
    if (plan.problems.length > 0) {
      io.stderr.write(refusal(plan, options.experimentsPath));
      return 1;
    }
    for (const warning of plan.warnings) io.stderr.write(`ply run: warning: ${warning}\n`);
    return await runPlan(plan, options, stack, io);
  } finally {
    if (io.stack === undefined) await stack.dispose();
  }
}

async function runPlan(
  plan: ExperimentPlan,
  options: RunOptions,
  stack: PlaygroundStack,
  io: RunCommandIo,
): Promise<number> {
  const csvPath = options.csvPath as string;
  const jsonlPath = options.jsonlPath as string;
  let files: ResultFile[];
  try {
    files = await openResultFiles({
      csvPath,
      jsonlPath,
      inputColumns: plan.columns,
      overwrite: options.force,
    });
  } catch (error) {
    io.stderr.write(`ply run: ${(error as Error).message}\n`);
    return 1;
  }

  const rows = plan.experiments.length;
  const targets = new Set(plan.experiments.map((experiment) => experiment.target)).size;
  io.stderr.write(
    `ply run: ${rows} row${rows === 1 ? '' : 's'} on ${targets} provider:model${targets === 1 ? '' : 's'}, ${options.concurrency} at a time → ${csvPath}, ${jsonlPath}\n`,
  );
  const progress = new ProgressBar({ total: rows, output: io.stderr });
  // First Ctrl-C: start no more rows, let those under way finish (they are paid for).
  // Second: abort them too.
  const stop = new AbortController();
  const abort = new AbortController();
  const onInterrupt = () => {
    if (!stop.signal.aborted) {
      stop.abort();
      progress.finish();
      io.stderr.write('ply run: stopping after the rows under way (Ctrl-C again to abort them)\n');
    } else abort.abort();
  };
  if (io.handleSignals) process.on('SIGINT', onInterrupt);
  let lastWaitNotice = Number.NEGATIVE_INFINITY;

  let outcome: RunOutcome;
  try {
    outcome = await runExperiments({
      registry: stack.registry,
      redact: stack.redact,
      experiments: plan.experiments,
      concurrency: options.concurrency,
      sinks: files,
      onProgress: (state) => progress.update(state),
      onRateLimitWait: ({ waitMs }) => {
        // Every worker waits at once; one notice per wait is enough.
        const now = performance.now();
        if (now - lastWaitNotice < waitMs) return;
        lastWaitNotice = now;
        progress.note(`rate limit reached: rows wait ~${Math.ceil(waitMs / 1000)}s for room`);
      },
      stop: stop.signal,
      signal: abort.signal,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  } catch (error) {
    progress.finish();
    const message = PlyError.isInstance(error) ? error.message : String(error);
    io.stderr.write(`ply run: cannot write results, run stopped: ${stack.redact(message)}\n`);
    return 1;
  } finally {
    if (io.handleSignals) process.off('SIGINT', onInterrupt);
    await Promise.all(files.map((file) => file.close()));
  }
  progress.finish();

  io.stdout.write(`${formatRunSummary(summariseRun(outcome.results))}\n`);
  io.stdout.write(`results: ${csvPath}, ${jsonlPath}\n`);
  if (outcome.interrupted) {
    io.stderr.write(
      `ply run: interrupted; ${outcome.results.length} rows written, ${outcome.notRun} not run\n`,
    );
    return 130;
  }
  return 0;
}

async function readInputs(
  options: RunOptions,
): Promise<{ prompt: string; experiments: string; system?: string }> {
  const read = async (path: string, what: string) => {
    try {
      return stripBom(await readFile(path, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new Error(`cannot read the ${what} file ${path} (${code})`);
    }
  };
  const prompt = withoutFinalNewline(await read(options.promptPath, 'prompt'));
  const experiments = await read(options.experimentsPath, 'experiments');
  const system =
    options.systemPath === undefined
      ? undefined
      : withoutFinalNewline(await read(options.systemPath, 'system'));
  return { prompt, experiments, ...(system === undefined ? {} : { system }) };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Editors end files with a newline; the prompt did not mean to send it. */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

function refusal(plan: ExperimentPlan, experimentsPath: string): string {
  const count = plan.problems.length;
  return [
    `ply run: ${experimentsPath}: ${count} problem${count === 1 ? '' : 's'}; nothing was called:`,
    ...plan.problems.map((problem) => `  ${problem.message}`),
    'Run with --validate for the full report and the cost estimate.',
    '',
  ].join('\n');
}
