import { parseArgs } from 'node:util';
import { DEFAULT_CONCURRENCY } from './run-experiments.js';

export const RUN_HELP = `Usage: ply run --prompt <file> --experiments <file.csv> --out <results.csv> [options]

Runs the prompt once per row of the experiments CSV and writes a result per row as it
finishes. Columns: provider and model (required), the prompt's {{variables}}, and
optionally temperature, top_p, max_output_tokens (or max_tokens), seed,
reasoning_effort, service_tier and system.

  --prompt <file>         the prompt template; {{name}} is filled from the row's column "name"
  --experiments <file>    RFC 4180 CSV, one experiment per row
  --out <file>            results as CSV
  --jsonl <file>          results as JSON lines (default: --out with .jsonl)
  --system <file>         system message template for rows without a "system" cell
  --concurrency <n>       rows under way at once (default ${DEFAULT_CONCURRENCY}); the rate limiter still applies
  --timeout <ms>          limit per call, retries included
  --force                 replace existing result files
  --validate              check the files and estimate the worst-case cost; calls nothing
  --config <file>         providers, budget and limits (default PLY_CONFIG)

Exit status: 0 when the run completed (failed rows are in the results) or the files are
valid; 1 when the input is invalid or results cannot be written; 2 for a usage error;
130 when interrupted (rows already finished are kept).
`;

export interface RunOptions {
  promptPath: string;
  experimentsPath: string;
  /** Absent only with `validate`. */
  csvPath?: string;
  jsonlPath?: string;
  systemPath?: string;
  concurrency: number;
  timeoutMs?: number;
  force: boolean;
  validate: boolean;
  configPath?: string;
}

/** The command line is wrong: exit 2 with the message and a pointer to --help. */
export class RunUsageError extends Error {
  override readonly name = 'RunUsageError';
}

/** Parses `ply run`'s arguments; `'help'` when help was asked for. */
export function parseRunOptions(args: readonly string[]): RunOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        prompt: { type: 'string' },
        experiments: { type: 'string' },
        out: { type: 'string' },
        jsonl: { type: 'string' },
        system: { type: 'string' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        force: { type: 'boolean', default: false },
        validate: { type: 'boolean', default: false },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new RunUsageError((error as Error).message);
  }
  if (values.help === true) return 'help';
  const text = (name: string) => {
    const value = values[name];
    if (value === '') throw new RunUsageError(`--${name} needs a value`);
    return typeof value === 'string' ? value : undefined;
  };
  const promptPath = text('prompt');
  const experimentsPath = text('experiments');
  if (promptPath === undefined) throw new RunUsageError('--prompt <file> is required');
  if (experimentsPath === undefined) throw new RunUsageError('--experiments <file> is required');
  const validate = values.validate === true;
  const csvPath = text('out');
  if (csvPath === undefined && !validate) {
    throw new RunUsageError('--out <file> is required (or --validate to only check the files)');
  }
  const jsonlPath = text('jsonl') ?? (csvPath === undefined ? undefined : jsonlPathFor(csvPath));
  if (csvPath !== undefined && jsonlPath === csvPath) {
    throw new RunUsageError('--jsonl and --out name the same file');
  }
  const concurrency = positiveInteger('concurrency', text('concurrency')) ?? DEFAULT_CONCURRENCY;
  const timeoutMs = positiveInteger('timeout', text('timeout'));
  const systemPath = text('system');
  const configPath = text('config');
  return {
    promptPath,
    experimentsPath,
    ...(csvPath === undefined ? {} : { csvPath }),
    ...(jsonlPath === undefined ? {} : { jsonlPath }),
    ...(systemPath === undefined ? {} : { systemPath }),
    concurrency,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    force: values.force === true,
    validate,
    ...(configPath === undefined ? {} : { configPath }),
  };
}

/** `results.csv` → `results.jsonl`; any other name gets `.jsonl` appended. */
export function jsonlPathFor(csvPath: string): string {
  return /\.csv$/i.test(csvPath) ? csvPath.replace(/\.csv$/i, '.jsonl') : `${csvPath}.jsonl`;
}

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new RunUsageError(`--${name} must be a whole number of at least 1, got "${value}"`);
  }
  return number;
}
