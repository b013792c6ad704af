// OUR OWN FIXTURE, written for these tests: not traffic recorded from the API.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the upstream answers, chosen by the request's model (or the path for `/models`):
 * each quotes the caller's key back wherever it can.
 */
export const ECHO_MODES = [
  'echo-400',
  'echo-401',
  'echo-429',
  'echo-500',
  'echo-stream-error',
  'echo-bad-chunk',
  'echo-reset',
] as const;
export type EchoMode = (typeof ECHO_MODES)[number];

export interface KeyEchoingUpstream {
  url: string;
  /** Every credential it was sent, so a test can see the key made the round trip. */
  readonly keysSeen: readonly string[];
  close(): Promise<void>;
}

function credentialOf(request: IncomingMessage): string {
  const header = request.headers['api-key'];
  if (typeof header === 'string') return header;
  return request.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
}

async function bodyOf(request: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of request as AsyncIterable<Buffer>) parts.push(part);
  try {
    const value: unknown = JSON.parse(Buffer.concat(parts).toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Headers quoting the key, as a debugging proxy might. */
function echoHeaders(key: string): Record<string, string> {
  return {
    'x-request-id': 'req_keyecho',
    'x-echo-authorization': `Bearer ${key}`,
    'x-echo-key': key,
    'x-should-retry': 'false',
  };
}

const STATUS: Partial<Record<EchoMode, number>> = {
  'echo-400': 400,
  'echo-401': 401,
  'echo-429': 429,
  'echo-500': 500,
};

function errorEnvelope(response: ServerResponse, status: number, key: string): void {
  response.writeHead(status, { 'content-type': 'application/json', ...echoHeaders(key) });
  response.end(
    JSON.stringify({
      error: {
        message: `Incorrect API key provided: ${key}. Key=${key} api_key=${key}`,
        type: status === 401 ? 'invalid_request_error' : 'server_error',
        param: key,
        code: status === 401 ? 'invalid_api_key' : key,
      },
    }),
  );
}

function chunk(model: string, content: string): string {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-keyecho',
    object: 'chat.completion.chunk',
    created: 1,
    model,
    choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: null }],
  })}\n\n`;
}

function streamThenFail(response: ServerResponse, mode: EchoMode, key: string): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', ...echoHeaders(key) });
  response.write(chunk(mode, 'Partial answer'));
  if (mode === 'echo-stream-error') {
    response.end(`data: ${JSON.stringify({ error: { message: `failed for ${key}` } })}\n\n`);
  } else {
    // Not JSON, the key at its start so the parser's message quotes it.
    response.end(`data: ${key} {"broken": "${key}"\n\n`);
  }
}

/** A loopback upstream at its worst: it echoes the caller's key in bodies, headers and streams. */
export async function startKeyEchoingUpstream(): Promise<KeyEchoingUpstream> {
  const keysSeen: string[] = [];
  const server = createServer(async (request, response) => {
    const key = credentialOf(request);
    keysSeen.push(key);
    const body = await bodyOf(request);
    const mode = (typeof body.model === 'string' ? body.model : 'echo-401') as EchoMode;
    if (mode === 'echo-reset') {
      request.socket.destroy();
      return;
    }
    if (mode === 'echo-stream-error' || mode === 'echo-bad-chunk') {
      streamThenFail(response, mode, key);
      return;
    }
    errorEnvelope(response, STATUS[mode] ?? 401, key);
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
