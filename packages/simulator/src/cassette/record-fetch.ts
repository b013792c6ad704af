import { isEventStream, keptBody } from './body.js';
import {
  CASSETTE_VERSION,
  type Cassette,
  type Interaction,
  isStreamResponse,
  type RecordedBodyResponse,
  type RecordedStreamResponse,
} from './cassette.js';
import { saveCassette } from './cassette-file.js';
import type { FetchFunction } from './fetch-function.js';
import { holdsItsContent } from './local-url.js';
import { readRequest } from './read-request.js';
import { recordStream } from './record-stream.js';
import { Redactor } from './redact.js';
import { withUrl } from './with-url.js';

export interface RecordingOptions {
  /** The fetch that reaches the API (or a simulator); the global `fetch` by default. */
  fetch?: FetchFunction;
  /** Strings to redact besides API keys, organisation ids and project ids. */
  secrets?: string[];
}

export interface Recording {
  /** Hand to an OpenAI client as its `fetch`: it calls through, recording each exchange. */
  readonly fetch: FetchFunction;
  /** The exchanges so far, redacted; a stream holds the chunks its caller has read. */
  cassette(): Cassette;
  /** Writes `cassette()` to a JSON file. */
  save(path: string): Promise<void>;
}

/** These describe the connection and the bytes on the wire, which a cassette does not keep. */
const WIRE_HEADERS = [
  'connection',
  'keep-alive',
  'content-length',
  'content-encoding',
  'transfer-encoding',
];

/** What `new Request(input, init)` takes from `init`. */
const REQUEST_INIT_KEYS = new Set([
  'method',
  'headers',
  'body',
  'signal',
  'duplex',
  'redirect',
  'referrer',
  'referrerPolicy',
  'mode',
  'credentials',
  'cache',
  'integrity',
  'keepalive',
  'priority',
  'window',
]);

/**
 * The options `Request` does not take (undici's `dispatcher`, say), which must still reach
 * the inner fetch. The rest already are in the request; passing them again would reuse a
 * read body, or headers without the multipart boundary the request added.
 */
function extraOptions(init: RequestInit | undefined): RequestInit | undefined {
  if (!init) return undefined;
  const extra = Object.entries(init).filter(([key]) => !REQUEST_INIT_KEYS.has(key));
  return extra.length === 0 ? undefined : Object.fromEntries(extra);
}

/** Records real traffic into a cassette, with credentials and account ids redacted. */
export function recordingFetch(options: RecordingOptions = {}): Recording {
  const inner = options.fetch ?? globalThis.fetch;
  const redactor = new Redactor(options.secrets);
  const recordedAt = new Date().toISOString();
  // Stream chunks stay unredacted here until `cassette()`: a secret may span two chunks.
  const interactions: Interaction[] = [];

  const recordFetch: FetchFunction = async (input, init) => {
    const request = new Request(input, init);
    if (holdsItsContent(request)) return inner(request, extraOptions(init));
    redactor.learnFrom(request.headers);
    const recordedRequest = await readRequest(request.clone(), redactor);
    const response = await inner(request, extraOptions(init));

    const headers = redactor.headers(response.headers);
    for (const name of WIRE_HEADERS) delete headers[name];
    if (isEventStream(response.headers.get('content-type')) && response.body) {
      const recorded: RecordedStreamResponse = { status: response.status, headers, chunks: [] };
      interactions.push({ request: recordedRequest, response: recorded });
      return withUrl(new Response(recordStream(response.body, recorded), response), response.url);
    }
    const recorded: RecordedBodyResponse = { status: response.status, headers };
    interactions.push({ request: recordedRequest, response: recorded });
    // A whole body is read before the caller gets the response, so the cassette has it even
    // if the caller never reads it; callers of JSON APIs wait for the whole body anyway.
    try {
      const bytes = new Uint8Array(await response.clone().arrayBuffer());
      const { body, bodyBase64 } = keptBody(bytes, response.headers.get('content-type'));
      if (body !== undefined) recorded.body = redactor.json(body);
      if (bodyBase64 !== undefined) recorded.bodyBase64 = bodyBase64;
    } catch (error) {
      recorded.error = redactor.text(error instanceof Error ? error.message : String(error));
    }
    return response;
  };

  const cassette = (): Cassette => ({
    version: CASSETTE_VERSION,
    recordedAt,
    interactions: interactions.map(({ request, response }) =>
      structuredClone({
        request,
        response: isStreamResponse(response)
          ? { ...response, chunks: redactor.chunks(response.chunks) }
          : response,
      }),
    ),
  });

  return {
    fetch: recordFetch,
    cassette,
    save: (path) => saveCassette(path, cassette()),
  };
}
