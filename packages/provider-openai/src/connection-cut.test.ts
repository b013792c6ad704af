// A connection cut after the headers of a non-streaming answer surfaces while its body is
// read, outside the SDK's request: undici rejects with a bare `TypeError: terminated`.
import { ConnectionError } from '@ply/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, simulatorAndProvider } from './provider.test-support.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('a connection cut while the answer is read', () => {
  it('is a retryable ConnectionError, for a completion and for embeddings', async () => {
    const sim = await simulatorAndProvider();
    close = sim.close;
    sim.faults.enqueue([{ kind: 'reset-after-headers' }, { kind: 'reset-after-headers' }]);

    const completion = await sim.provider.complete(ask('hello')).catch((e: unknown) => e);
    expect(ConnectionError.isInstance(completion)).toBe(true);
    expect((completion as ConnectionError).retryable).toBe(true);

    const embedding = await sim.provider
      .embed({ model: 'text-embedding-3-small', input: 'hello' })
      .catch((e: unknown) => e);
    expect(ConnectionError.isInstance(embedding)).toBe(true);
    expect(sim.requests().at(-1)?.fault).toBe('reset-after-headers');
  });
});
