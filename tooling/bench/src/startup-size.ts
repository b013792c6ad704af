// Start-up and size (workload 5): import time of each ply package alone and of the full
// stack in a fresh process, install size, and bundle size against the budgets in
// .size-limit.ts (which `pnpm test` enforces through size-limit). Peers give context.
import { BUDGETS } from '../.size-limit.ts';
import { type Measurement, note, printTable } from './measure.ts';
import { NOT_BUNDLED } from './size/bundle-checks.ts';
import { bundleSizes } from './size/bundle-size.ts';
import { type ImportCase, importTimes } from './size/import-time.ts';
import { installSize } from './size/install-size.ts';
import { BENCH_DIR, PLY_PACKAGES } from './size/packages.ts';

const PLY_NAMES = PLY_PACKAGES.map(({ manifest }) => manifest.name);
const FULL_STACK = 'ply full stack (all six)';
const SDK = 'openai';

const CASES: readonly ImportCase[] = [
  ...PLY_NAMES.map((name) => ({ name, specifiers: [name] })),
  { name: FULL_STACK, specifiers: PLY_NAMES },
  { name: SDK, specifiers: ['openai'] },
  { name: 'ai + @ai-sdk/openai', specifiers: ['ai', '@ai-sdk/openai'] },
  { name: '@langchain/openai', specifiers: ['@langchain/openai'] },
];

/** A size as a table row: the figure in the median column, no spread. */
function sizeRow(name: string, value: number, extra: Record<string, number | string>) {
  return { name, medianUs: value, minUs: value, maxUs: value, extra };
}

const KiB = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const kB = (bytes: number) => Math.round(bytes / 10) / 100;

function median(rows: readonly Measurement[], name: string): number {
  return rows.find((row) => row.name === name)?.medianUs ?? Number.NaN;
}

function benchImportTime(smoke: boolean): void {
  const rows = importTimes(CASES, { rounds: smoke ? 2 : 15, warmUp: !smoke });
  printTable('Start-up: import time in a fresh node', 'ms', rows, { baseline: SDK });
  const stack = median(rows, FULL_STACK);
  const sdk = median(rows, SDK);
  const adapter = median(rows, '@ply/provider-openai');
  note(
    `The full ply stack imports in ${stack.toFixed(0)} ms, ${(stack / sdk).toFixed(2)}x the ` +
      `raw openai SDK (${sdk.toFixed(0)} ms). @ply/provider-openai takes ` +
      `${adapter.toFixed(0)} ms, ${(adapter - sdk).toFixed(0)} ms over the SDK it loads; ` +
      `@ply/response-models (zod schemas) alone takes ` +
      `${median(rows, '@ply/response-models').toFixed(0)} ms. Each figure is the import ` +
      'alone (performance.now() around import() in a fresh node), without Node start-up, ' +
      'with the file cache warm.',
  );
}

function benchInstallSize(): void {
  const sizes = CASES.map(({ name, specifiers }) => ({
    name,
    size: installSize(specifiers, BENCH_DIR),
  }));
  const rows = sizes.map(({ name, size }) =>
    sizeRow(name, KiB(size.ownBytes + size.depsBytes), {
      'own KiB': KiB(size.ownBytes),
      'deps KiB': KiB(size.depsBytes),
      folders: size.packages,
      'peers KiB': KiB(size.peersBytes),
    }),
  );
  printTable('Install size', 'KiB', rows, { baseline: SDK });
  const optional = sizes
    .filter(({ name, size }) => PLY_NAMES.includes(name) && size.optionalPeers.length > 0)
    .map(({ name, size }) => `${name}: ${size.optionalPeers.join(', ')}`);
  note(
    'Install size is own files (for ply, what npm pack ships: dist, package.json, README) ' +
      'plus runtime dependencies, transitively, each folder once; file bytes, unpacked. ' +
      'Required peers (zod) and their dependencies are in "peers KiB", not the total; ' +
      `optional peers are not counted (${optional.join('; ')}).`,
  );
  const stack = sizes.find(({ name }) => name === FULL_STACK)?.size;
  if (stack !== undefined) {
    const biggest = stack.deps
      .slice(0, 2)
      .map(({ name, bytes }) => `${name} ${KiB(bytes)} KiB`)
      .join(' and ');
    note(
      `Of the full stack's ${KiB(stack.ownBytes + stack.depsBytes)} KiB, ply's own files are ` +
        `${KiB(stack.ownBytes)} KiB; the bulk is ${biggest}.`,
    );
  }
}

async function benchBundleSize(): Promise<void> {
  const sizes = await bundleSizes();
  const over: string[] = [];
  const rows = PLY_NAMES.map((name) => {
    const bytes = sizes.get(name) ?? { alone: 0, ply: 0, deps: 0 };
    const limit = parseLimit(BUDGETS[name]);
    if (bytes.ply > limit) over.push(name);
    return sizeRow(name, kB(bytes.ply), {
      'alone kB': kB(bytes.alone),
      'with deps kB': kB(bytes.deps),
      'budget kB': kB(limit),
      'of budget': `${Math.round((bytes.ply / limit) * 100)}%`,
    });
  });
  printTable('Bundle size: esbuild, minified, brotli', 'kB', rows, { baseline: false });
  note(
    "The median column is ply's code: the entry bundled for Node with third-party packages " +
      'external and the @ply packages it imports bundled in; the figure `pnpm test` holds ' +
      'to the budget in tooling/bench/.size-limit.ts. "alone" keeps every dependency ' +
      `external; "with deps" bundles them, zod included, except ${NOT_BUNDLED.join(', ')} ` +
      '(its code reads a 5.6 MB WASM file from its folder at run time, so it cannot be ' +
      'bundled). kB is 1000 bytes, as size-limit prints it.',
  );
  note(
    over.length === 0
      ? `All ${PLY_NAMES.length} packages are within their bundle budgets.`
      : `Over budget: ${over.join(', ')}.`,
  );
}

/** size-limit's byte strings as the budgets use them: "8 kB", "8 KiB", "8000 B". */
function parseLimit(limit: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?) *(k?)(i?)B$/i.exec(limit ?? '');
  if (match === null) throw new Error(`unreadable size-limit budget: ${limit}`);
  const unit = match[2] === '' ? 1 : match[3] === '' ? 1000 : 1024;
  return Number(match[1]) * unit;
}

export async function benchStartupSize(smoke: boolean): Promise<void> {
  benchImportTime(smoke);
  benchInstallSize();
  await benchBundleSize();
}
