/** The format version this package writes and reads. */
export const CASSETTE_VERSION = 1;

/** Recorded HTTP exchanges, redacted, in the order their requests were sent. */
export interface Cassette {
  version: typeof CASSETTE_VERSION;
  /** ISO 8601 time at which the recording started. */
  recordedAt: string;
  interactions: Interaction[];
}

export interface Interaction {
  request: RecordedRequest;
  response: RecordedResponse;
}

export interface RecordedRequest {
  method: string;
  /** Where it was sent, for the reader; replay ignores it. */
  origin: string;
  /** Path and query, such as `/v1/models?limit=2`: what replay matches on, with method and body. */
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /**
   * Parsed JSON for a JSON body, the fields of a multipart one (`{ name, value }` or
   * `{ name, filename, type, content }`), else the text; absent when there was no body.
   */
  body?: unknown;
}

export type RecordedResponse = RecordedBodyResponse | RecordedStreamResponse;

interface RecordedResponseHead {
  status: number;
  /** Lower-case names; without the length and encoding headers, which describe wire bytes. */
  headers: Record<string, string>;
  /** The body failed after what was kept, with this message (a dropped connection, say). */
  error?: string;
}

export interface RecordedBodyResponse extends RecordedResponseHead {
  /** Parsed JSON for a JSON body, else the text; absent when there was none or not text. */
  body?: unknown;
  /** A body that is not UTF-8 text (audio, say), base64-encoded; not redacted. */
  bodyBase64?: string;
}

/** A `text/event-stream` response, kept chunk by chunk as it arrived. */
export interface RecordedStreamResponse extends RecordedResponseHead {
  chunks: RecordedChunk[];
}

export interface RecordedChunk {
  /** The chunk's bytes as text. */
  data: string;
  /** Milliseconds since the previous chunk, or since the response headers for the first. */
  delayMs: number;
}

export function isStreamResponse(response: RecordedResponse): response is RecordedStreamResponse {
  return 'chunks' in response;
}

/** Checks the shape a cassette needs to be replayed, so a wrong file fails on load. */
export function parseCassette(value: unknown): Cassette {
  const candidate = value as Partial<Cassette> | null;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new TypeError('A cassette is a JSON object.');
  }
  if (candidate.version !== CASSETTE_VERSION) {
    throw new TypeError(
      `Unsupported cassette version ${JSON.stringify(candidate.version)}; this package reads version ${CASSETTE_VERSION}.`,
    );
  }
  if (!Array.isArray(candidate.interactions)) {
    throw new TypeError('A cassette has an `interactions` array.');
  }
  return candidate as Cassette;
}
