import type { ChatResult, ChatStreamEvent, EmbedResult } from '@ply/core';

/** The layout of stored answers: bumped when it changes, so old payloads read as misses. */
const ENTRY_VERSION = 1;

/** One event of a stored stream, with when it came (ms after the stream started). */
export interface RecordedEvent {
  event: ChatStreamEvent;
  atMs: number;
}

export type CacheEntry =
  | { kind: 'complete'; storedAt: number; result: ChatResult }
  | { kind: 'stream'; storedAt: number; events: RecordedEvent[]; result: ChatResult }
  | { kind: 'embed'; storedAt: number; result: EmbedResult };

/** An embedding as stored: its float32 bytes in base64, exact and compact. */
function encodeVector(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

/** A stream's events as stored: each chunk once, events pointing at theirs by index. */
interface StoredStream {
  chunks: unknown[];
  events: { event: ChatStreamEvent; atMs: number; chunk?: number }[];
  /** True when the result's raw body was the chunks, left out to be stored once. */
  rawIsChunks?: true;
}

function storeStream(events: readonly RecordedEvent[], result: ChatResult) {
  const chunks: unknown[] = [];
  const stored: StoredStream['events'] = events.map(({ event, atMs }) => {
    if (event.raw === undefined) return { event, atMs };
    if (chunks.at(-1) !== event.raw) chunks.push(event.raw);
    const { raw: _raw, ...bare } = event;
    return { event: bare as ChatStreamEvent, atMs, chunk: chunks.length - 1 };
  });
  const raw = result.raw;
  const rawIsChunks =
    Array.isArray(raw) &&
    raw.length === chunks.length &&
    raw.every((chunk, index) => chunk === chunks[index]);
  if (!rawIsChunks) return { chunks, events: stored, result };
  const { raw: _raw, ...rest } = result;
  return { chunks, events: stored, result: rest, rawIsChunks: true };
}

function readStream(stored: StoredStream & { result: ChatResult }) {
  const { chunks } = stored;
  const events = stored.events.map(({ event, atMs, chunk }) => ({
    event: chunk === undefined ? event : ({ ...event, raw: chunks[chunk] } as ChatStreamEvent),
    atMs,
  }));
  const result = stored.rawIsChunks ? { ...stored.result, raw: chunks } : stored.result;
  return { events, result };
}

/** The text a store keeps for `entry`. */
export function serializeEntry(entry: CacheEntry): string {
  const head = { v: ENTRY_VERSION, kind: entry.kind, storedAt: entry.storedAt };
  if (entry.kind === 'embed') {
    const result = { ...entry.result, embeddings: entry.result.embeddings.map(encodeVector) };
    return JSON.stringify({ ...head, result });
  }
  if (entry.kind === 'stream') {
    return JSON.stringify({ ...head, ...storeStream(entry.events, entry.result) });
  }
  return JSON.stringify({ ...head, result: entry.result });
}

/** The entry a payload holds, or undefined for one this version cannot read (a miss). */
export function parseEntry(payload: string): CacheEntry | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { v, kind, storedAt } = parsed ?? {};
  if (v !== ENTRY_VERSION || typeof storedAt !== 'number') return undefined;
  if (kind === 'embed') {
    const result = parsed.result as Omit<EmbedResult, 'embeddings'> & { embeddings: string[] };
    return {
      kind,
      storedAt,
      result: { ...result, embeddings: result.embeddings.map(decodeVector) },
    };
  }
  if (kind === 'stream') {
    return {
      kind,
      storedAt,
      ...readStream(parsed as unknown as StoredStream & { result: ChatResult }),
    };
  }
  if (kind === 'complete') return { kind, storedAt, result: parsed.result as ChatResult };
  return undefined;
}
