import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError } from '@ply/core';
import { toWireError } from './error-envelope.js';

/** Handles a request it owns and returns true, or returns false to let the next one try. */
export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<boolean>;

/** Bodies above this are refused before they are read in full (a 413). */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Reads a JSON body, refusing one that is not declared JSON (415: a cross-site form or
 * `text/plain` post cannot be, without a CORS preflight this server never grants), larger
 * than `maxBytes` (413) or not JSON (400), with an `InvalidRequestError` naming the field.
 * `__proto__` keys are dropped, so no later spread or merge can set a prototype.
 */
export async function readJsonBody(
  request: IncomingMessage,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<unknown> {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new InvalidRequestError('The request body must be sent as application/json', {
      field: 'content-type',
      status: 415,
    });
  }
  const declared = Number(request.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of request as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    parts.push(part);
  }
  const text = Buffer.concat(parts).toString('utf8');
  try {
    return JSON.parse(text, (key, value) => (key === '__proto__' ? undefined : value));
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON', {
      field: 'body',
      status: 400,
    });
  }
}

function tooLarge(maxBytes: number): InvalidRequestError {
  return new InvalidRequestError(`The request body is larger than ${maxBytes} bytes`, {
    field: 'body',
    status: 413,
  });
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Sends any failure as OpenAI's error envelope, or ends a response already under way. */
export function sendError(
  response: ServerResponse,
  failure: unknown,
  secrets: readonly string[] = [],
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const wire = toWireError(failure, secrets);
  sendJson(response, wire.status, wire.body, wire.headers);
}

/** Opens a server-sent-events response. */
export function startEventStream(
  response: ServerResponse,
  headers: Record<string, string> = {},
): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  response.flushHeaders();
}

/** One SSE `data:` event; JSON values are serialised. */
export function writeEvent(response: ServerResponse, data: unknown): void {
  response.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}
