import { ApiError } from '../api-error.js';

/** The JSON body as an object, or the API's 400 for anything else. */
export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, {
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      type: 'invalid_request_error',
    });
  }
  return body as Record<string, unknown>;
}
