// OpenAI accepts a function tool without `parameters` (a function of no arguments); the
// adapter sends it as given, without inventing a schema.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ask, simulatorAndProvider } from './provider.test-support.js';

let setup: Awaited<ReturnType<typeof simulatorAndProvider>>;
beforeAll(async () => {
  setup = await simulatorAndProvider();
});
afterAll(() => setup.close());

it('sends a tool without parameters, and the model can call it', async () => {
  const result = await setup.provider.complete({
    model: 'sim-tools',
    ...ask('Is the line up?'),
    tools: [{ type: 'function', name: 'ping' }],
    toolChoice: { type: 'function', name: 'ping' },
  });
  const sent = setup.lastBody()?.tools as { function: Record<string, unknown> }[];
  expect(sent).toEqual([{ type: 'function', function: { name: 'ping' } }]);
  expect(result.toolCalls.map((call) => call.name)).toEqual(['ping']);
});
