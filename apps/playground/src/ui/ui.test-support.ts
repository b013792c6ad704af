import { configFromEnvironment, type PlaygroundConfig } from '../config/playground-config.js';
import { type RunningPlayground, startPlaygroundServer } from '../server/playground-server.js';
import { createPlaygroundStack, type PlaygroundStack } from '../stack/playground-stack.js';

/** Parsed JSON the tests read by path; vitest's matchers do the checking. */
// biome-ignore lint/suspicious/noExplicitAny: API answers read by path in assertions
export type Json = any;

/** A real stack (embedded simulator, no pacing unless asked) behind a real server. */
export interface TestPlayground {
  /** `http://127.0.0.1:port`: the page and its `/api`. */
  url: string;
  /** `http://127.0.0.1:port/v1`: the gateway. */
  baseURL: string;
  stack: PlaygroundStack;
  server: RunningPlayground;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Largest request body the server accepts (its default otherwise). */
  maxBodyBytes?: number;
  /** Bearer key the server requires on `/v1`, `/api` and `/metrics`. */
  gatewayKey?: string;
  /** Where the gateway's call log goes; without it, the log is off (tests keep stdout quiet). */
  logTo?: { write(chunk: string): unknown };
}

/**
 * The whole stack and server on a free loopback port, the embedded simulator fast by
 * default. The UI tests and the gateway tests both start theirs here.
 */
export async function startTestPlayground(
  overrides: Partial<PlaygroundConfig> = {},
  options: TestServerOptions = {},
): Promise<TestPlayground> {
  const config: PlaygroundConfig = {
    ...configFromEnvironment({}),
    simulatorPace: { firstTokenDelayMs: 0, tokenDelayMs: 0 },
    ...overrides,
  };
  const stack = createPlaygroundStack(config);
  const server = await startPlaygroundServer({
    stack,
    port: 0,
    ...options,
    logFormat: options.logTo === undefined ? 'off' : 'json',
  });
  return {
    url: server.url,
    baseURL: `${server.url}/v1`,
    stack,
    server,
    close: async () => {
      await server.close();
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

/** The `data:` payloads of an SSE body, `[DONE]` included, in order. */
export function ssePayloads(text: string): string[] {
  return text
    .split('\n\n')
    .map((event) => event.trim())
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

/** Every `data:` event of a server-sent-events response, parsed, once the response ends. */
export async function readEvents(response: Response): Promise<Array<Record<string, unknown>>> {
  return ssePayloads(await response.text()).map(
    (payload) => JSON.parse(payload) as Record<string, unknown>,
  );
}
