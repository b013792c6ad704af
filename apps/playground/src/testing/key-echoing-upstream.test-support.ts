// OUR OWN FIXTURE, written for these tests: not traffic recorded from the API.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configFromEnvironment } from '../config/playground-config.js';
import { createPlaygroundStack, type PlaygroundStack } from '../stack/playground-stack.js';

/**
 * A key made at run time that no secret pattern knows: not `sk-`-shaped, as an Azure key
 * or a proxy's token is not. Only the stack's own list of secrets can mask it, so a test
 * that finds it absent has tested that list.
 */
export function plantedKey(): string {
  return ['planted', randomBytes(12).toString('hex')].join('-');
}

/** The text of the one chunk a streamed answer gets before its error event. */
export const ECHO_PARTIAL_TEXT = 'Partial answer before the failure';

export interface KeyEchoingUpstream {
  /** The base URL, `http://127.0.0.1:<port>/v1`. */
  url: string;
  /** Every bearer key it was sent: a test can see the key really made the round trip. */
  readonly keysSeen: readonly string[];
  close(): Promise<void>;
}

function envelope(message: string, type: string, code: string | null): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

async function jsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of request as AsyncIterable<Buffer>) parts.push(part);
  try {
    const value: unknown = JSON.parse(Buffer.concat(parts).toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** One content chunk, then an `error` event quoting the key, and the stream ends. */
function streamThenEcho(response: ServerResponse, model: string, key: string): void {
  const chunk = {
    id: 'chatcmpl-keyechofixture',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        delta: { role: 'assistant', content: ECHO_PARTIAL_TEXT },
        logprobs: null,
        finish_reason: null,
      },
    ],
  };
  response.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_keyecho' });
  response.write(`data: ${JSON.stringify(chunk)}\n\n`);
  response.end(
    `data: ${envelope(`The stream failed for the key ${key}; please retry`, 'server_error', null)}\n\n`,
  );
}

/**
 * A loopback OpenAI-compatible upstream at its worst, quoting the caller's bearer key back
 * whole in its errors (OpenAI's own 401 quotes part of a wrong key). A streamed chat call
 * gets one content chunk, then an `error` event quoting the key; every other request a
 * `status` (401 by default, or 500) error envelope quoting it.
 */
export async function startKeyEchoingUpstream(
  options: { status?: 401 | 500 } = {},
): Promise<KeyEchoingUpstream> {
  const status = options.status ?? 401;
  const keysSeen: string[] = [];
  const server = createServer(async (request, response) => {
    const key = request.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
    keysSeen.push(key);
    const body = await jsonBody(request);
    if (request.url?.endsWith('/chat/completions') && body.stream === true) {
      streamThenEcho(response, typeof body.model === 'string' ? body.model : 'unknown', key);
      return;
    }
    response.writeHead(status, {
      'content-type': 'application/json',
      'x-request-id': 'req_keyecho',
      'x-should-retry': 'false',
    });
    response.end(
      status === 401
        ? envelope(
            `Incorrect API key provided: ${key}. You can find your API key in your account settings.`,
            'invalid_request_error',
            'invalid_api_key',
          )
        : envelope(`The upstream failed while serving the key ${key}.`, 'server_error', null),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    keysSeen,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The stack a user gets with `OPENAI_API_KEY` and `OPENAI_BASE_URL` naming that upstream. */
export function stackWithKey(upstream: KeyEchoingUpstream, key: string): PlaygroundStack {
  return createPlaygroundStack(
    configFromEnvironment({ OPENAI_API_KEY: key, OPENAI_BASE_URL: upstream.url }),
  );
}
