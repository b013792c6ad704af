import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from '@ply/simulator';
import { createOpenAIProvider } from './create-openai-provider.js';
import type { OpenAIProviderOptions } from './openai-provider.js';

/** A simulator on loopback and a provider pointed at it; `close` stops both. */
export async function simulatorAndProvider(
  simulatorOptions: StartSimulatorOptions = {},
  providerOptions: OpenAIProviderOptions = {},
) {
  const running: RunningSimulator = await startSimulator({ port: 0, ...simulatorOptions });
  const provider = createOpenAIProvider({
    apiKey: 'test-key',
    baseURL: running.url,
    ...providerOptions,
  });
  const requests = (path = '/v1/chat/completions') =>
    running.simulator.log.entries.filter((entry) => entry.path === path);
  const lastBody = () =>
    running.simulator.log.entries.at(-1)?.body as Record<string, unknown> | undefined;
  return {
    running,
    provider,
    requests,
    lastBody,
    faults: running.simulator.faults,
    close: () => running.close(),
  };
}

export const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });
