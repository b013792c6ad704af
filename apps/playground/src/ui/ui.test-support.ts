import { configFromEnvironment, type PlaygroundConfig } from '../config/playground-config.js';
import { startPlaygroundServer } from '../server/playground-server.js';
import { createPlaygroundStack, type PlaygroundStack } from '../stack/playground-stack.js';

/** Parsed JSON the tests read by path; vitest's matchers do the checking. */
// biome-ignore lint/suspicious/noExplicitAny: API answers read by path in assertions
export type Json = any;

export interface TestPlayground {
  url: string;
  stack: PlaygroundStack;
  close(): Promise<void>;
}

/** The whole stack and server on a free loopback port, the embedded simulator fast by default. */
export async function startTestPlayground(
  overrides: Partial<PlaygroundConfig> = {},
): Promise<TestPlayground> {
  const config: PlaygroundConfig = {
    ...configFromEnvironment({}),
    simulatorPace: { firstTokenDelayMs: 0, tokenDelayMs: 0 },
    ...overrides,
  };
  const stack = createPlaygroundStack(config);
  const running = await startPlaygroundServer({ stack, port: 0 });
  return {
    url: running.url,
    stack,
    close: async () => {
      await running.close();
      await stack.dispose();
    },
  };
}

export async function postJson(
  url: string,
  body: unknown,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
}

/** Every `data:` event of a server-sent-events response, parsed, once the response ends. */
export async function readEvents(response: Response): Promise<Array<Record<string, unknown>>> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => JSON.parse(block.slice('data: '.length)) as Record<string, unknown>);
}

/** A key-shaped value assembled at run time, so no key-shaped literal sits in the source. */
export function plantedKey(): string {
  return ['sk', 'proj', 'playgroundPlanted0123456789abcdef'].join('-');
}
