import { InvalidResponseError } from '@ply/core';
import { ResponseParseError } from '@ply/response-models';

export interface BodyReading<T> {
  provider: string;
  /** What the body should be, for messages: `a chat completion`, `a model`. */
  what: string;
  /** Validates the JSON value (a `@ply/response-models` parser). */
  parse: (value: unknown) => T;
  /**
   * What the adapter cannot do without and lenient parsing lets be absent (a completion's
   * `choices`, a model's `id`): the problem, or undefined when there is none.
   */
  check?: (value: T) => string | undefined;
}

function invalid(
  response: Response,
  provider: string,
  message: string,
  cause?: Error,
): InvalidResponseError {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  return new InvalidResponseError(message, {
    provider,
    ...(requestId ? { requestId } : {}),
    ...(cause ? { cause } : {}),
  });
}

/**
 * The validated body of a successful answer to a request that did not stream. A body that
 * is not JSON (cut short, or an SSE stream from a server that streams whatever is asked),
 * or JSON of another shape, is the upstream's fault: `InvalidResponseError`, with the
 * request id. A failure to read the bytes is rethrown as it is, for the transport's
 * mapping (a `ConnectionError`).
 */
export async function readBody<T>(response: Response, reading: BodyReading<T>): Promise<T> {
  const { provider, what } = reading;
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const type = response.headers.get('content-type') || 'no content type';
    throw invalid(
      response,
      provider,
      `${provider} sent a body that is not JSON where ${what} was expected (${type}, ${text.length} characters)`,
      error as Error,
    );
  }
  let value: T;
  try {
    value = reading.parse(json);
  } catch (error) {
    if (!(error instanceof ResponseParseError)) throw error;
    throw invalid(
      response,
      provider,
      `${provider} sent ${what} that does not parse: ${error.message}`,
      error,
    );
  }
  const problem = reading.check?.(value);
  if (problem) throw invalid(response, provider, `${provider} sent ${what} ${problem}`);
  return value;
}
