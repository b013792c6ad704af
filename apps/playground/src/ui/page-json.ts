import type { ServerResponse } from 'node:http';
import { AbortedError, InvalidRequestError, StreamInterruptedError, toPlyError } from '@ply/core';
import { redactKeys } from '@ply/core/internals';
import { writeEvent } from '../server/http-io.js';

/**
 * JSON for the page, with the stack's keys and anything key-shaped masked in every string,
 * values and keys alike. The last line of defence: traces redact headers already, but a
 * body or an upstream message might not. Strings are masked before they are serialised,
 * so the JSON stays valid whatever the secret, and a secret holding a character JSON
 * escapes is still found.
 */
export function pageJson(value: unknown, secrets: readonly string[]): string {
  // Core's narrow rule: its bearer and `key=` heuristics would rewrite what the page
  // must show as is (a prompt, an answer, exported code reading `process.env`).
  const mask = (text: string) => redactKeys(text, secrets);
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string') return mask(item);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    // Keys are rebuilt only when one needs masking (an upstream may name a field anything).
    if (Object.keys(item).every((key) => mask(key) === key)) return item;
    return Object.fromEntries(Object.entries(item).map(([key, inner]) => [mask(key), inner]));
  });
  return text ?? 'null';
}

export function sendPageJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  secrets: readonly string[],
): void {
  const text = pageJson(body, secrets);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

/** One server-sent event of page JSON; nothing once the page has gone. */
export function writePageEvent(
  response: ServerResponse,
  data: unknown,
  secrets: readonly string[],
): void {
  if (response.writableEnded || response.destroyed) return;
  writeEvent(response, pageJson(data, secrets));
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
