import { PlyError } from '@ply/core';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EntryCase, entryCases } from './entry-points.ts';

/** Values of the wrong type for nearly any field: a library must name the field, not crash. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.constant(Number.NaN),
  fc.constant(-1),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.boolean(),
  fc.string({ maxLength: 5 }).map((text) => `${text}\uD800`),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.constant(Symbol('wrong')),
  fc.object({ maxDepth: 1 }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
);

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

/** The outcome of one bad call: accepted, or a typed error that names the field. */
async function outcome(entry: EntryCase, value: unknown): Promise<string> {
  try {
    await entry.call(value);
    return 'accepted';
  } catch (error) {
    if (!PlyError.isInstance(error)) {
      return `untyped ${(error as Error)?.name}: ${String((error as Error)?.message).slice(0, 80)}`;
    }
    const field = (error as { field?: string }).field ?? '';
    const named = entry.field.split('|').some((word) => `${error.message} ${field}`.includes(word));
    if (!named) {
      return `unnamed field (${error.code}): ${error.message.slice(0, 80)}`;
    }
    return 'typed';
  }
}

describe('wrong-typed values at every public entry point', () => {
  it('get a typed error naming the field, or are accepted; nothing is polluted', async () => {
    const failures = new Map<string, string>();
    for (const entry of entryCases(simulator.url)) {
      await fc.assert(
        fc.asyncProperty(wrongValue, async (value) => {
          const result = await outcome(entry, value);
          if (result.startsWith('untyped') || result.startsWith('unnamed')) {
            failures.set(entry.name, `${result} <- ${fc.stringify(value)}`);
          }
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        { numRuns: 25, seed: 10 },
      );
    }
    expect([...failures.keys()].sort(), inspectFailures(failures)).toEqual([]);
  }, 60_000);
});

function inspectFailures(failures: Map<string, string>): string {
  return [...failures].map(([name, failure]) => `${name}: ${failure}`).join('\n');
}
