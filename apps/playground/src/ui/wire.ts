import type { ServerResponse } from 'node:http';
import { AbortedError, InvalidRequestError, StreamInterruptedError, toPlyError } from '@ply/core';
import { writeEvent } from '../server/http-io.js';

/** Anything shaped like an OpenAI key, wherever it came from (a prompt, an upstream echo). */
const KEY_SHAPED = /\bsk-[A-Za-z0-9_-]{8,}/g;

/**
 * JSON for the page, with the stack's keys and anything key-shaped masked. The last line
 * of defence: traces redact headers already, but a body or an upstream message might not.
 */
export function safeJson(value: unknown, secrets: readonly string[]): string {
  let text = JSON.stringify(value) ?? 'null';
  for (const secret of secrets) text = text.split(secret).join('[redacted]');
  return text.replace(KEY_SHAPED, 'sk-[redacted]');
}

export function sendSafeJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  secrets: readonly string[],
): void {
  const text = safeJson(body, secrets);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

export function writeSafeEvent(
  response: ServerResponse,
  data: unknown,
  secrets: readonly string[],
): void {
  if (response.writableEnded || response.destroyed) return;
  writeEvent(response, safeJson(data, secrets));
}

/** A failure as the page shows it: ply's typed code, the message, and what arrived before it. */
export interface ErrorView {
  code: string;
  name: string;
  message: string;
  retryable: boolean;
  status?: number;
  requestId?: string;
  retryAfterMs?: number;
  field?: string;
  /** Text a stream had shown before it stopped. */
  partialText?: string;
}

export function errorView(failure: unknown): ErrorView {
  const error = toPlyError(failure);
  const view: ErrorView = {
    code: error.code,
    name: error.name,
    message: error.message,
    retryable: error.retryable,
  };
  if (error.status !== undefined) view.status = error.status;
  if (error.requestId !== undefined) view.requestId = error.requestId;
  if (error.retryAfterMs !== undefined) view.retryAfterMs = Math.round(error.retryAfterMs);
  if (InvalidRequestError.isInstance(error) && error.field !== undefined) view.field = error.field;
  if (
    (AbortedError.isInstance(error) || StreamInterruptedError.isInstance(error)) &&
    error.partial !== undefined &&
    error.partial.text !== ''
  ) {
    view.partialText = error.partial.text;
  }
  return view;
}
