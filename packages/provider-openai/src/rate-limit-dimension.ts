/** OpenAI's 429 messages say which limit ran out: "... on tokens per min (TPM): Limit ...". */
const LIMIT_IN_MESSAGE = /\bon (requests|tokens) per (min|day)\b/i;

/**
 * The limit a 429 says ran out, in the limiter's names (`requests`, `tokens`,
 * `requests-per-day`, `tokens-per-day`): from the message when it names the period, else
 * from the body's `type` (`requests` or `tokens`, per minute). Undefined when neither says.
 */
export function rateLimitDimension(body: {
  message?: unknown;
  type?: unknown;
}): string | undefined {
  if (typeof body.message === 'string') {
    const named = LIMIT_IN_MESSAGE.exec(body.message);
    if (named) {
      const kind = (named[1] as string).toLowerCase();
      return named[2]?.toLowerCase() === 'day' ? `${kind}-per-day` : kind;
    }
  }
  return body.type === 'requests' || body.type === 'tokens' ? body.type : undefined;
}
