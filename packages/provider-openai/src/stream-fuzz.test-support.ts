// Shared by the stream fuzz suites: a recorded SSE body served by an in-process fetch in
// pieces cut wherever the property says, read through the real OpenAIProvider.stream.
import { type ChatResult, type ChatStreamEvent, PlyError } from '@ply/core';
import { expect } from 'vitest';
import {
  bodyInPieces,
  chatStreamFiles,
  recordedHeaders,
  replayHeaders,
  sseBody,
} from './corpus.test-support.js';
import { OpenAIProvider } from './openai-provider.js';

const BASE_URL = 'http://fuzz.invalid/v1';

/** Long enough never to fire on an in-process body; what bounds a body that stops sending. */
export const STREAM_TIMEOUTS = { firstTokenMs: 5000, idleMs: 5000 };

export interface StreamOutcome {
  events: ChatStreamEvent[];
  result?: ChatResult;
  error?: unknown;
}

/** A fetch answering with `bytes` cut at `cuts`, one piece per read, as a network would. */
function piecewiseFetch(bytes: Uint8Array, cuts: readonly number[], headers: Headers) {
  return async () =>
    new Response(bodyInPieces(bytes, cuts), { status: 200, headers: new Headers(headers) });
}

/** Streams `bytes` (cut at `cuts`) as the answer for `file`; every event, and the end. */
export async function streamThrough(
  file: string,
  bytes: Uint8Array,
  cuts: readonly number[] = [],
): Promise<StreamOutcome> {
  const headers = replayHeaders(recordedHeaders(file), 'text/event-stream; charset=utf-8');
  const provider = new OpenAIProvider({
    apiKey: 'test-key',
    baseURL: BASE_URL,
    fetch: piecewiseFetch(bytes, cuts, headers),
    streamTimeouts: STREAM_TIMEOUTS,
  });
  const stream = provider.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
  const events: ChatStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, result: await stream.result };
  } catch (error) {
    // The result rejects with the same error; read it so nothing is left unhandled.
    await stream.result.catch(() => {});
    return { events, error };
  }
}

/** The chat stream recordings and their bodies as the server sent them. */
export function recordedStreams(): { file: string; body: string }[] {
  return chatStreamFiles().map((file) => ({ file, body: sseBody(file) }));
}

/** What a corrupted stream may fail with; `connection` would mean a crash in disguise. */
const EXPECTED_CODES = new Set([
  'stream_interrupted',
  'invalid_response',
  'invalid_tool_arguments',
  'timeout',
]);

/** `error` and every cause under it that is a PlyError carry an expected code. */
export function expectTypedFailure(error: unknown): asserts error is PlyError {
  expect(PlyError.isInstance(error), `a PlyError, got ${String(error)}`).toBe(true);
  for (let link: unknown = error; PlyError.isInstance(link); link = link.cause) {
    expect(EXPECTED_CODES.has(link.code), `unexpected ${link.code}: ${link.message}`).toBe(true);
  }
}

export const textOf = (events: readonly ChatStreamEvent[]) =>
  events.map((event) => (event.type === 'text-delta' ? event.delta : '')).join('');
