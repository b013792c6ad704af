import { redactSecrets } from '@ply/core';
import { createParser } from 'eventsource-parser';
import { CallTrace } from './call-trace.js';
import { publicURL } from './public-url.js';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A fetch that shows the current call's trace what went over the wire: the request as
 * sent (key redacted), the response status and headers, and each SSE payload as it
 * arrives, while the caller reads the same bytes. Outside a traced call it is `base`.
 */
export function inspectingFetch(base: Fetch, secrets: readonly string[] = []): Fetch {
  return async (input, init) => {
    const trace = CallTrace.current();
    if (trace === undefined) return base(input, init);
    const attempt = trace.nextAttempt();
    // Read from the arguments: a `new Request` would tie the caller's signal to it.
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    trace.push({
      type: 'request',
      attempt,
      method,
      url: publicURL(url, secrets),
      headers: redactedHeaders(new Headers(init?.headers), secrets),
      body: bodyOf(init?.body),
    });
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      trace.push({ type: 'transport-error', attempt, message: redactSecrets(message, secrets) });
      throw error;
    }
    trace.push({
      type: 'response',
      attempt,
      status: response.status,
      headers: redactedHeaders(response.headers, secrets),
    });
    if (response.body === null) return response;
    const isStream = response.headers.get('content-type')?.includes('text/event-stream') ?? false;
    const body = isStream
      ? response.body.pipeThrough(recordEvents(trace, attempt))
      : response.body.pipeThrough(recordBody(trace, attempt));
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

function redactedHeaders(headers: Headers, secrets: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of headers) {
    result[name] =
      name === 'authorization' || name === 'api-key' ? '[redacted]' : redactSecrets(value, secrets);
  }
  return result;
}

function bodyOf(body: RequestInit['body']): unknown {
  if (typeof body !== 'string') return body === undefined || body === null ? null : '(binary)';
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Passes bytes through untouched, reporting each SSE `data:` payload as it completes. */
function recordEvents(trace: CallTrace, attempt: number): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent: (event) => trace.push({ type: 'chunk', attempt, data: event.data }),
  });
  return new TransformStream({
    transform(bytes, controller) {
      parser.feed(decoder.decode(bytes, { stream: true }));
      controller.enqueue(bytes);
    },
  });
}

/** Passes bytes through untouched and reports the whole body once it ends. */
function recordBody(trace: CallTrace, attempt: number): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let text = '';
  return new TransformStream({
    transform(bytes, controller) {
      text += decoder.decode(bytes, { stream: true });
      controller.enqueue(bytes);
    },
    flush() {
      trace.push({ type: 'body', attempt, body: text + decoder.decode() });
    },
  });
}
