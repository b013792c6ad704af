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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A payload of this version that does not hold what it says: read as a miss, and reported. */
export class DamagedEntryError extends Error {
  override readonly name = 'DamagedEntryError';
}

function damaged(what: string): never {
  throw new DamagedEntryError(`stored cache entry is damaged: ${what}`);
}

/** What a hit reads of any result: its `meta`. */
function checkResult(result: unknown, chat: boolean): void {
  if (!isRecord(result) || !isRecord(result.meta)) damaged('`result` or `result.meta` missing');
  if (chat && !Array.isArray(result.choices)) damaged('`result.choices` is not a list');
}

function checkStream(parsed: Record<string, unknown>): void {
  const { chunks, events } = parsed;
  if (!Array.isArray(chunks)) damaged('`chunks` is not a list');
  if (!Array.isArray(events)) damaged('`events` is not a list');
  for (const recorded of events as unknown[]) {
    if (!isRecord(recorded) || !isRecord(recorded.event)) damaged('an event is not an object');
    const { event, atMs, chunk } = recorded;
    if (typeof event.type !== 'string' || !Number.isFinite(atMs)) damaged('an event is malformed');
    if (
      chunk !== undefined &&
      !(Number.isSafeInteger(chunk) && (chunk as number) >= 0 && (chunk as number) < chunks.length)
    ) {
      damaged('an event points at no chunk');
    }
  }
}

function decodeVectors(embeddings: unknown): Float32Array[] {
  if (!Array.isArray(embeddings)) damaged('`result.embeddings` is not a list');
  return embeddings.map((vector) => {
    if (typeof vector !== 'string') damaged('an embedding is not base64 text');
    try {
      return decodeVector(vector);
    } catch {
      return damaged('an embedding is not whole float32 values');
    }
  });
}

/**
 * The entry a payload holds, or undefined for one another version wrote (a miss). A payload
 * of this version that does not hold a readable entry throws `DamagedEntryError`.
 */
export function parseEntry(payload: string): CacheEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return damaged('not JSON');
  }
  if (!isRecord(parsed)) return damaged('not an object');
  const { v, kind, storedAt } = parsed;
  if (v !== ENTRY_VERSION) return undefined;
  if (typeof storedAt !== 'number') damaged('`storedAt` is not a number');
  if (kind === 'embed') {
    checkResult(parsed.result, false);
    const result = parsed.result as unknown as EmbedResult;
    return { kind, storedAt, result: { ...result, embeddings: decodeVectors(result.embeddings) } };
  }
  if (kind === 'stream') {
    checkResult(parsed.result, true);
    checkStream(parsed);
    return {
      kind,
      storedAt,
      ...readStream(parsed as unknown as StoredStream & { result: ChatResult }),
    };
  }
  if (kind === 'complete') {
    checkResult(parsed.result, true);
    return { kind, storedAt, result: parsed.result as unknown as ChatResult };
  }
  return damaged(`unknown kind ${JSON.stringify(kind)}`);
}
