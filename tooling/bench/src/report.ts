// Every table a suite prints is also kept here, so one run ends with results.md and
// results.json beside the printed output: the same figures, with the run's facts.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, cpus, platform, release, totalmem } from 'node:os';

export interface Measurement {
  name: string;
  /** Median microseconds per operation over the rounds. */
  medianUs: number;
  minUs: number;
  maxUs: number;
  /** Per-operation figure of each round, in round order (for ratios taken round by round). */
  samples?: readonly number[];
}

export interface ReportRow extends Measurement {
  /** Median over the baseline row's median; absent when the table has no baseline. */
  ratio?: number;
  /** Other figures of the row, already in their own units (chunks/s, MB, ms). */
  extra?: Record<string, number | string>;
}

export interface ReportTable {
  title: string;
  unit: string;
  baseline?: string;
  rows: ReportRow[];
  notes: string[];
}

const tables: ReportTable[] = [];

/** Keeps a table: ratios are to the row named `baseline` (the first row by default). */
export function recordTable(
  title: string,
  unit: string,
  rows: readonly (Measurement & { extra?: Record<string, number | string> })[],
  options: { baseline?: string | false } = {},
): ReportTable {
  const baselineName = options.baseline === false ? undefined : (options.baseline ?? rows[0]?.name);
  const base = rows.find((row) => row.name === baselineName)?.medianUs;
  const table: ReportTable = {
    title,
    unit,
    ...(baselineName === undefined ? {} : { baseline: baselineName }),
    rows: rows.map((row) => ({
      ...row,
      ...(base === undefined || base === 0 ? {} : { ratio: row.medianUs / base }),
    })),
    notes: [],
  };
  tables.push(table);
  return table;
}

/** A line of text under the most recent table (a target met or missed, a ratio). */
export function recordNote(text: string): void {
  tables.at(-1)?.notes.push(text);
}

const require = createRequire(import.meta.url);

/** The installed version of a package the bench depends on. */
function versionOf(name: string): string {
  try {
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    // Packages whose exports hide package.json: read it next to the resolved entry.
    try {
      const entry = require.resolve(name);
      const root = entry.slice(0, entry.lastIndexOf(`/node_modules/${name}/`) + 14 + name.length);
      return (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string })
        .version;
    } catch {
      return 'unknown';
    }
  }
}

export function runFacts(mode: string) {
  const bench = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const packages = Object.fromEntries(
    Object.keys(bench.dependencies).map((name) => [name, versionOf(name)]),
  );
  return {
    date: new Date().toISOString(),
    mode,
    node: process.version,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${release()} ${arch()}`,
    },
    packages,
  };
}

function cell(value: number): string {
  if (value === 0) return '0';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

function markdown(facts: ReturnType<typeof runFacts>): string {
  const lines = [
    '# ply benchmark results',
    '',
    `Written by \`pnpm bench\` on ${facts.date}: Node ${facts.node}, ${facts.machine.cpu} ` +
      `(${facts.machine.cores} cores, ${facts.machine.memoryGiB} GiB), ${facts.machine.os}.`,
    'Each figure is the median over repeated rounds, with the spread (min–max) beside it;',
    "ratios are to the table's baseline row, measured in the same run. Do not edit by hand.",
    '',
    '| package | version |',
    '| --- | --- |',
    ...Object.entries(facts.packages).map(([name, version]) => `| ${name} | ${version} |`),
  ];
  for (const table of tables) {
    const extras = [...new Set(table.rows.flatMap((row) => Object.keys(row.extra ?? {})))];
    lines.push('', `## ${table.title}`, '');
    const ratioHead = table.baseline === undefined ? [] : [`ratio to ${table.baseline}`];
    lines.push(
      `| case | median ${table.unit} | min–max | ${[...ratioHead, ...extras].join(' | ')} |`,
    );
    lines.push(`| --- | ---: | ---: |${[...ratioHead, ...extras].map(() => ' ---: |').join('')}`);
    for (const row of table.rows) {
      const ratio =
        table.baseline === undefined
          ? []
          : [row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`];
      const extraCells = extras.map((name) => {
        const value = row.extra?.[name];
        return typeof value === 'number' ? cell(value) : (value ?? '');
      });
      lines.push(
        `| ${row.name} | ${cell(row.medianUs)} | ${cell(row.minUs)}–${cell(row.maxUs)} | ${[...ratio, ...extraCells].join(' | ')} |`,
      );
    }
    for (const note of table.notes) lines.push('', note);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `results.json` and `results.md` into `directory`. */
export async function writeReport(directory: URL, mode: string): Promise<void> {
  const facts = runFacts(mode);
  await writeFile(
    new URL('results.json', directory),
    `${JSON.stringify({ ...facts, tables }, null, 2)}\n`,
  );
  await writeFile(new URL('results.md', directory), markdown(facts));
}
