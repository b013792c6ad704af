import { bodyText } from './body.js';
import {
  type Cassette,
  type Interaction,
  isStreamResponse,
  type RecordedChunk,
  type RecordedResponse,
} from './cassette.js';
import { CassetteMissError } from './cassette-miss-error.js';
import type { FetchFunction } from './fetch-function.js';
import { holdsItsContent } from './local-url.js';
import { describeClosest, findInteraction } from './match-request.js';
import { readRequest } from './read-request.js';
import { Redactor } from './redact.js';
import { replayStream } from './replay-stream.js';
import { withUrl } from './with-url.js';

export interface ReplayOptions {
  /** Wait the recorded delays between stream chunks; off by default, for fast tests. */
  realTiming?: boolean;
  /**
   * The `secrets` the cassette was recorded with, if requests still carry them: requests are
   * redacted as the recording was before they are matched.
   */
  secrets?: string[];
}

/** Statuses whose responses have no body, which `new Response` enforces. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** What a recorded body replays as: a stream's chunks, or a whole body as one chunk. */
function chunksOf(recorded: RecordedResponse): readonly RecordedChunk[] {
  if (isStreamResponse(recorded)) return recorded.chunks;
  const text = bodyText(recorded.body);
  return text === undefined ? [] : [{ data: text, delayMs: 0 }];
}

function toResponse(
  recorded: RecordedResponse,
  url: string,
  realTiming: boolean,
  signal: AbortSignal,
): Response {
  const chunks = chunksOf(recorded);
  const { error } = recorded;
  let body: ConstructorParameters<typeof Response>[0] = null;
  if (NULL_BODY_STATUSES.has(recorded.status)) body = null;
  else if (!isStreamResponse(recorded) && recorded.bodyBase64 !== undefined)
    body = Buffer.from(recorded.bodyBase64, 'base64');
  else if (chunks.length > 0 || error !== undefined)
    body = replayStream(chunks, { realTiming, signal, error });
  return withUrl(new Response(body, { status: recorded.status, headers: recorded.headers }), url);
}

/**
 * A `fetch` that answers from a cassette, never from the network (bar `data:` and `blob:`
 * URLs, which hold their content). A request gets the first interaction not yet replayed
 * with the same method, path and query, and body (JSON compared by value, so key order does
 * not count); headers do not count. With none, it throws `CassetteMissError`, saying how the
 * closest recorded request differs.
 */
export function replayFetch(cassette: Cassette, options: ReplayOptions = {}): FetchFunction {
  const redactor = new Redactor(options.secrets);
  const used = new Set<number>();
  return async (input, init) => {
    const request = new Request(input, init);
    if (holdsItsContent(request)) return globalThis.fetch(request);
    request.signal.throwIfAborted();
    const key = await readRequest(request, redactor);
    const index = findInteraction(cassette.interactions, used, key);
    if (index === undefined) {
      throw new CassetteMissError(
        key.method,
        key.path,
        describeClosest(cassette.interactions, used, key),
      );
    }
    used.add(index);
    return toResponse(
      (cassette.interactions[index] as Interaction).response,
      request.url,
      options.realTiming ?? false,
      request.signal,
    );
  };
}
