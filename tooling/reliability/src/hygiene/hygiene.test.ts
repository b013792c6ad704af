// Issue 10, resource hygiene, at CI size: 10,000 calls and 1,000 aborted streams through
// the full stack (registry, cost tracking, resilience, the OpenAI adapter on Node's fetch)
// in a child process, against the faulting simulator served by this process over
// loopback HTTP. The full size runs on demand: `pnpm hygiene` (about five minutes).
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { measureTimeScale } from '../load/time-scale.ts';
import { checkHygiene } from './hygiene-checks.ts';
import { hygieneOptions } from './hygiene-options.ts';
import { runHygiene } from './run-hygiene.ts';

beforeAll(() => {
  // The worker imports the packages' built output, as an application would.
  const require = createRequire(import.meta.url);
  for (const name of ['core', 'cost', 'provider-openai', 'resilience', 'simulator']) {
    try {
      require.resolve(`@ply/${name}`);
    } catch {
      throw new Error(`@ply/${name} is not built: run pnpm exec turbo run build first`);
    }
  }
});

describe('resource hygiene of the full stack', () => {
  it('leaves no handle, timer, listener or heap growth behind, and the idle process exits within a second (stretched on a loaded machine)', {
    timeout: 900_000,
  }, async () => {
    const options = hygieneOptions({
      calls: 10_000,
      aborted: 1_000,
      concurrency: 16,
      seed: 1,
      timeScale: measureTimeScale(),
    });
    const outcome = await runHygiene(options);
    for (const check of checkHygiene(options, outcome)) {
      expect(check.holds, `${check.name}: ${check.measured}`).toBe(true);
    }
  });
});
