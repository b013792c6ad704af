import OpenAI from 'openai';
import { configFromEnvironment } from '../config/playground-config.js';
import { type RunningPlayground, startPlaygroundServer } from '../server/playground-server.js';
import { createPlaygroundStack, type PlaygroundStack } from '../stack/playground-stack.js';

/** A real stack (embedded simulator, no pacing) behind a real server on a free port. */
export interface GatewayFixture {
  stack: PlaygroundStack;
  server: RunningPlayground;
  /** `http://127.0.0.1:port/v1` */
  baseURL: string;
  /** The official SDK, its own retries off unless a test turns them on. */
  client(options?: { maxRetries?: number }): OpenAI;
  /** Plain `fetch` to a gateway path, JSON body. */
  post(path: string, body: unknown): Promise<Response>;
  close(): Promise<void>;
}

export async function startGateway(
  options: { maxBodyBytes?: number } = {},
): Promise<GatewayFixture> {
  const stack = createPlaygroundStack({
    ...configFromEnvironment({}),
    simulatorPace: { firstTokenDelayMs: 0, tokenDelayMs: 0 },
  });
  const server = await startPlaygroundServer({ stack, port: 0, ...options });
  const baseURL = `${server.url}/v1`;
  return {
    stack,
    server,
    baseURL,
    client: ({ maxRetries = 0 } = {}) => new OpenAI({ apiKey: 'client', baseURL, maxRetries }),
    post: (path, body) =>
      fetch(`${baseURL}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    async close() {
      await server.close();
      await stack.dispose();
    },
  };
}

/** The `data:` payloads of an SSE body, `[DONE]` included, in order. */
export function ssePayloads(text: string): string[] {
  return text
    .split('\n\n')
    .map((event) => event.trim())
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}
