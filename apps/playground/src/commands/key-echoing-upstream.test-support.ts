// OUR OWN FIXTURE, written for these tests: not traffic recorded from the API.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configFromEnvironment } from '../config/playground-config.js';
import { createPlaygroundStack, type PlaygroundStack } from '../stack/playground-stack.js';

/**
 * A key made at run time that no secret pattern knows: not `sk-`-shaped, as an Azure key
 * or a proxy's token is not. Only the stack's own list of secrets can mask it.
 */
export function plantedKey(): string {
  return ['planted', randomBytes(12).toString('hex')].join('-');
}

export interface KeyEchoingUpstream {
  /** The base URL, `http://127.0.0.1:<port>/v1`. */
  url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * A loopback OpenAI-compatible upstream that refuses every request (chat, models, any
 * path) with `status` and an OpenAI-style error envelope whose message quotes the bearer
 * key it was sent, whole, as a careless proxy would (OpenAI's own 401 quotes part of it):
 * the worst case for anything that prints or stores an upstream's error text.
 */
export async function startKeyEchoingUpstream(
  options: { status?: 401 | 500 } = {},
): Promise<KeyEchoingUpstream> {
  const status = options.status ?? 401;
  let requests = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests++;
    request.resume();
    request.on('end', () => {
      const key = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '(none)';
      const error =
        status === 401
          ? {
              message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            }
          : {
              message: `The upstream failed while serving the key ${key}.`,
              type: 'server_error',
              param: null,
              code: null,
            };
      response.writeHead(status, {
        'content-type': 'application/json',
        'x-should-retry': 'false',
      });
      response.end(JSON.stringify({ error }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The stack a user gets with `OPENAI_API_KEY` and `OPENAI_BASE_URL` naming that upstream. */
export function stackWithKey(upstream: KeyEchoingUpstream, key: string): PlaygroundStack {
  return createPlaygroundStack(
    configFromEnvironment({ OPENAI_API_KEY: key, OPENAI_BASE_URL: upstream.url }),
  );
}
