// `pnpm bench` runs every suite in full; the test command runs `--smoke`, seconds long,
// so the harness cannot rot. Figures are ratios within one run; nothing here asserts time.
import { benchCoreComposition } from './core-composition.ts';
import { benchProviderOpenAI } from './provider-openai.ts';
import { benchResilience } from './resilience.ts';
import { benchResponseModels } from './response-models.ts';
import { benchTokens } from './tokens.ts';

const smoke = process.argv.includes('--smoke');
console.log(
  `${smoke ? 'Smoke run' : 'Full run'} on Node ${process.version}, ${new Date().toISOString()}`,
);
await benchCoreComposition(smoke);
await benchResponseModels(smoke);
await benchProviderOpenAI(smoke);
await benchTokens(smoke);
await benchResilience(smoke);
