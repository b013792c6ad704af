import OpenAI from 'openai';
import type { PlaygroundConfig } from '../config/playground-config.js';
import {
  postJson,
  startTestPlayground,
  type TestPlayground,
  type TestServerOptions,
} from '../ui/ui.test-support.js';

/** The test playground, with the gateway's clients at hand. */
export interface GatewayFixture extends TestPlayground {
  /** The official SDK, its own retries off unless a test turns them on. */
  client(options?: { maxRetries?: number }): OpenAI;
  /** Plain `fetch` to a gateway path (`/chat/completions`), JSON body. */
  post(path: string, body: unknown): Promise<Response>;
}

export async function startGateway(
  options: TestServerOptions & { config?: Partial<PlaygroundConfig> } = {},
): Promise<GatewayFixture> {
  const { config, ...server } = options;
  const playground = await startTestPlayground(config, server);
  const { baseURL } = playground;
  return {
    ...playground,
    client: ({ maxRetries = 0 } = {}) => new OpenAI({ apiKey: 'client', baseURL, maxRetries }),
    post: (path, body) => postJson(`${baseURL}${path}`, body),
  };
}
