import { ConfigurationError, ProviderRegistry, wrapProvider } from '@ply/core';
import { createOpenAIProvider } from '@ply/provider-openai';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Core's registry with the real OpenAI adapter against the simulator on loopback: the
// adapter refuses every call once disposed, so a stream that outlives its provider fails.

let upstream: RunningSimulator;
beforeAll(async () => {
  upstream = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await upstream.close();
});

const hello = { messages: [{ role: 'user' as const, content: 'Say hello' }] };
const adapter = () => createOpenAIProvider({ baseURL: upstream.url, apiKey: 'sk-test-swap' });

describe('swapping a real provider with disposePrevious', () => {
  it('finishes a complete() in flight and a stream created before the swap, then disposes', async () => {
    const log: string[] = [];
    const before = adapter();
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const provider = wrapProvider(before, {
      name: 'gate-and-log',
      complete: async ({ next }) => {
        await gate;
        const result = await next();
        log.push('complete done');
        return result;
      },
      dispose: () => {
        log.push('disposed');
      },
    });
    const registry = new ProviderRegistry().register('openai', provider);

    const stream = registry.stream('openai:gpt-4o-mini', hello);
    const completing = registry.complete('openai:gpt-4o-mini', hello);
    const swap = registry.swap('openai', adapter(), { disposePrevious: true });

    open();
    expect((await completing).text.length).toBeGreaterThan(0);
    let streamed = '';
    for await (const event of stream) {
      if (event.type === 'text-delta') streamed += event.delta;
      if (event.type === 'finish') log.push('stream finished');
    }
    expect(streamed.length).toBeGreaterThan(0);
    expect((await stream.result).finishReason.unified).toBe('stop');

    expect(await swap).toBe(provider);
    expect(log).toEqual(['complete done', 'stream finished', 'disposed']);
    // The old adapter really is disposed; the new one answers under the same id.
    await expect(before.complete(hello)).rejects.toBeInstanceOf(ConfigurationError);
    expect((await registry.complete('openai:gpt-4o-mini', hello)).text.length).toBeGreaterThan(0);
    await registry.dispose();
  });
});
