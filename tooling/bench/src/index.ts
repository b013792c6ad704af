// `pnpm bench` runs every suite in full and writes results.md and results.json; the test
// command runs `--smoke`, seconds long, so the harness cannot rot (its results go to
// .reports/ instead). `--only <suite>` runs one suite. Figures are ratios within one run;
// nothing here asserts time.
import { mkdir } from 'node:fs/promises';
import { benchCache } from './cache.ts';
import { benchCoreComposition } from './core-composition.ts';
import { benchOverhead } from './overhead.ts';
import { benchPeersComplete } from './peers-complete.ts';
import { benchPeersStream } from './peers-stream.ts';
import { benchProviderOpenAI } from './provider-openai.ts';
import { writeReport } from './report.ts';
import { benchResilience } from './resilience.ts';
import { benchResponseModels } from './response-models.ts';
import { benchStartupSize } from './startup-size.ts';
import { benchTelemetry } from './telemetry.ts';
import { benchTokens } from './tokens.ts';

const suites: Record<string, (smoke: boolean) => Promise<void>> = {
  'core-composition': benchCoreComposition,
  overhead: benchOverhead,
  'response-models': benchResponseModels,
  'provider-openai': benchProviderOpenAI,
  'peers-complete': benchPeersComplete,
  'peers-stream': benchPeersStream,
  tokens: benchTokens,
  resilience: benchResilience,
  telemetry: benchTelemetry,
  cache: benchCache,
  'startup-size': benchStartupSize,
};

const smoke = process.argv.includes('--smoke');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt === -1 ? undefined : process.argv[onlyAt + 1];
if (only !== undefined && !Object.hasOwn(suites, only)) {
  console.error(`Unknown suite "${only}"; suites: ${Object.keys(suites).join(', ')}`);
  process.exit(2);
}

const started = performance.now();
console.log(
  `${smoke ? 'Smoke run' : 'Full run'} on Node ${process.version}, ${new Date().toISOString()}`,
);
for (const [name, run] of Object.entries(suites)) {
  if (only === undefined || only === name) await run(smoke);
}
const minutes = (performance.now() - started) / 60_000;
console.log(`\nDone in ${minutes.toFixed(1)} min.`);

// Only a full run of every suite replaces the committed results.
const directory =
  smoke || only !== undefined
    ? new URL('../.reports/', import.meta.url)
    : new URL('../', import.meta.url);
await mkdir(directory, { recursive: true });
await writeReport(directory, smoke ? 'smoke' : only === undefined ? 'full' : `only ${only}`);
console.log(`Results written to ${directory.pathname}results.md and results.json.`);
