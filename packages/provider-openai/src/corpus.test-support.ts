// Replays the real recorded traffic in shared/reference/corpus (read where it lives, never
// copied) through a custom fetch, as if the server had sent it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(
  new URL('../../../../shared/reference/corpus/', import.meta.url),
);

/** Kinds whose `.json` bodies are chat completions. */
const CHAT_BODY_KINDS = new Set(['chat', 'tool_calls', 'logprobs', 'refusal']);
/** Kinds whose `.sse`/`.jsonl` recordings are chat completion streams. */
const CHAT_STREAM_KINDS = new Set(['chat_stream', 'logprobs', 'refusal']);

const kindOf = (file: string): string => file.split('-')[0] ?? '';

function recordings(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => /\.(json|sse|jsonl)$/.test(file) && !file.endsWith('.headers.json'))
    .sort();
}

/** `chat-*.json`, `tool_calls-*.json`, `logprobs-*.json`, `refusal-*.json`. */
export function chatBodyFiles(): string[] {
  return recordings().filter((file) => file.endsWith('.json') && CHAT_BODY_KINDS.has(kindOf(file)));
}

/** `chat_stream-*`, `logprobs-*` and `refusal-*` recorded as `.sse` or `.jsonl`. */
export function chatStreamFiles(): string[] {
  return recordings().filter(
    (file) => /\.(sse|jsonl)$/.test(file) && CHAT_STREAM_KINDS.has(kindOf(file)),
  );
}

export function readCorpusText(file: string): string {
  return readFileSync(CORPUS_DIR + file, 'utf8');
}

export interface RecordedHeaders {
  status: number;
  headers: Record<string, string | string[]>;
}

/** The `<name>.headers.json` recorded next to a body, when there is one. */
export function recordedHeaders(file: string): RecordedHeaders | undefined {
  const path = `${CORPUS_DIR}${file.replace(/\.(json|sse|jsonl)$/, '')}.headers.json`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RecordedHeaders) : undefined;
}

/** A recorded header by name, case-insensitively; repeated values joined as HTTP does. */
export function recordedHeader(
  recorded: RecordedHeaders | undefined,
  name: string,
): string | undefined {
  if (!recorded) return undefined;
  const entry = Object.entries(recorded.headers).find(
    ([key]) => key.toLowerCase() === name.toLowerCase(),
  );
  if (!entry) return undefined;
  return Array.isArray(entry[1]) ? entry[1].join(', ') : entry[1];
}

/**
 * The recorded headers as a `Headers`; `content-type` forced where given (streams are
 * served as `text/event-stream` whatever the cassette noted), JSON when nothing was recorded.
 */
export function replayHeaders(
  recorded: RecordedHeaders | undefined,
  contentType?: string,
): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(recorded?.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  if (contentType) headers.set('content-type', contentType);
  else if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return headers;
}

/** The `data:` payloads of a recorded stream, `[DONE]` included where the file has it. */
export function streamPayloads(file: string): string[] {
  const lines = readCorpusText(file).split('\n');
  return file.endsWith('.sse')
    ? lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim())
    : lines.filter((line) => line.trim() !== '');
}

/** The chunks of a recorded stream, in order, as JSON values. */
export function streamChunks(file: string): unknown[] {
  return streamPayloads(file)
    .filter((payload) => payload !== '[DONE]')
    .map((payload) => JSON.parse(payload) as unknown);
}

/** True when the recording itself ends with `data: [DONE]`. */
export function recordedDone(file: string): boolean {
  return streamPayloads(file).at(-1) === '[DONE]';
}

/**
 * The SSE body to serve: a `.sse` file byte for byte; a `.jsonl` file (one chunk per line,
 * the frames already taken apart by whoever recorded it, `[DONE]` not kept) as one
 * `data: <line>\n\n` frame per line followed by `data: [DONE]\n\n`.
 */
export function sseBody(file: string): string {
  if (file.endsWith('.sse')) return readCorpusText(file);
  const frames = streamPayloads(file).map((line) => `data: ${line}\n\n`);
  return `${frames.join('')}data: [DONE]\n\n`;
}

export interface ReplayFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Every request the adapter sent, its body parsed. */
  requests: { url: string; method: string; body: unknown }[];
}

/**
 * `bytes` as a body cut at the offsets in `cuts` (any order, repeats and out-of-range ones
 * ignored), one piece per read, as a network would deliver it.
 */
export function bodyInPieces(
  bytes: Uint8Array,
  cuts: readonly number[],
): ReadableStream<Uint8Array> {
  const ends = [...new Set(cuts)]
    .filter((cut) => cut > 0 && cut < bytes.length)
    .sort((a, b) => a - b);
  ends.push(bytes.length);
  let start = 0;
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const end = ends[next++];
      if (end === undefined || bytes.length === 0) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(start, end));
      start = end;
    },
  });
}

/** `bytes` as a body read `pieceBytes` at a time. */
function pieces(bytes: Uint8Array, pieceBytes: number): ReadableStream<Uint8Array> {
  const cuts = Array.from(
    { length: Math.ceil(bytes.length / pieceBytes) },
    (_, i) => i * pieceBytes,
  );
  return bodyInPieces(bytes, cuts);
}

/**
 * A fetch that answers any request with `body` and `headers`, as the server did: whole,
 * or in reads of `pieceBytes`.
 */
export function replayFetch(
  body: string,
  headers: Headers,
  status = 200,
  pieceBytes?: number,
): ReplayFetch {
  const requests: ReplayFetch['requests'] = [];
  const bytes = new TextEncoder().encode(body);
  return {
    requests,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const text = await request.text();
      requests.push({
        url: request.url,
        method: request.method,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      });
      const served = pieceBytes === undefined ? bytes.slice() : pieces(bytes, pieceBytes);
      return new Response(served, { status, headers: new Headers(headers) });
    },
  };
}
