import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Our own test fixture, not traffic recorded from any API: an OpenAI-compatible upstream at
 * its worst, quoting the caller's bearer key back in full inside its errors (OpenAI's own
 * 401 quotes part of a wrong key; some compatible servers quote more).
 */
export interface KeyEchoUpstream {
  /** The fixture's `/v1` base URL. */
  url: string;
  /** Every bearer key it was sent, so a test can see the key really made the round trip. */
  keysSeen: string[];
  close(): Promise<void>;
}

/** The text of the one chunk a streamed answer gets before its error event. */
export const ECHO_PARTIAL_TEXT = 'Partial answer before the failure';

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
 * Starts the fixture on a free loopback port. `POST /chat/completions` with `stream: true`
 * answers one content chunk, then an `error` event quoting the key; every other request
 * (a plain chat call, the model list) a 401 `invalid_api_key` envelope quoting it.
 */
export async function startKeyEchoUpstream(): Promise<KeyEchoUpstream> {
  const keysSeen: string[] = [];
  const server = createServer(async (request, response) => {
    const key = request.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
    keysSeen.push(key);
    const body = await jsonBody(request);
    if (request.url?.endsWith('/chat/completions') && body.stream === true) {
      streamThenEcho(response, typeof body.model === 'string' ? body.model : 'unknown', key);
      return;
    }
    response.writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'req_keyecho' });
    response.end(
      envelope(
        `Incorrect API key provided: ${key}. You can find your API key in your account settings.`,
        'invalid_request_error',
        'invalid_api_key',
      ),
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
