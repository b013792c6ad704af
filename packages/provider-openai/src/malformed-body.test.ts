// A 200 whose body is not the endpoint's JSON (cut short, SSE for a plain request, a
// gateway's own envelope) is the upstream's fault: InvalidResponseError, never `unexpected`.
import { InvalidResponseError, type PlyError } from '@ply/core';
import type { MalformedBodyShape } from '@ply/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ask, simulatorAndProvider } from './provider.test-support.js';

let setup: Awaited<ReturnType<typeof simulatorAndProvider>>;
beforeAll(async () => {
  setup = await simulatorAndProvider({}, { apiKey: 'planted-malformed-body-key' });
});
afterAll(() => setup.close());
beforeEach(() => {
  setup.faults.clear();
});

const SHAPES: MalformedBodyShape[] = ['truncated-json', 'event-stream', 'wrong-shape'];

/** Each call the adapter reads a JSON body for; `sim-lorem` is a model the catalogue lacks. */
const CALLS = {
  complete: () => setup.provider.complete({ model: 'gpt-4o-mini', ...ask('hi') }),
  embed: () => setup.provider.embed({ input: ['alpha', 'beta'] }),
  listModels: () => setup.provider.refreshModels(),
  getModel: () => setup.provider.getModel('sim-lorem'),
} as const;

async function failure(call: () => Promise<unknown>): Promise<PlyError> {
  const error = await call().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'the call should have failed').toBeDefined();
  return error as PlyError;
}

describe.each(Object.keys(CALLS) as (keyof typeof CALLS)[])('%s', (name) => {
  it.each(SHAPES)('a %s body is an InvalidResponseError', async (shape) => {
    setup.faults.enqueue({ kind: 'malformed-body', shape });
    const error = await failure(CALLS[name]);
    expect(error.code).toBe('invalid_response');
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.provider).toBe('openai');
    expect(error.retryable).toBe(false);
    expect(error.requestId).toMatch(/^req_/);
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(
      'planted-malformed-body-key',
    );
    expect(setup.running.simulator.log.entries.at(-1)?.fault).toBe('malformed-body');
  });

  it('succeeds again once the upstream answers properly', async () => {
    await expect(CALLS[name]()).resolves.toBeDefined();
  });
});

describe('answers the SDK reads itself', () => {
  it('a Batches answer cut short is an InvalidResponseError too', async () => {
    const submitted = await setup.provider.submitBatch([
      { customId: 'only', chat: { model: 'gpt-4o-mini', ...ask('hi') } },
    ]);
    setup.faults.enqueue(
      { kind: 'malformed-body', shape: 'truncated-json' },
      { path: `/v1/batches/${submitted.id}` },
    );
    const error = await failure(() => setup.provider.waitForBatch(submitted.id));
    expect(error.code).toBe('invalid_response');
  });
});
