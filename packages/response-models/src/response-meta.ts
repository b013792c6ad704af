import { parseDuration } from './duration.js';

/** One `x-ratelimit-*-<family>` triple: requests, tokens, tokens_usage_based, input-images... */
export interface RateLimitFamily {
  limit?: number;
  remaining?: number;
  /** Until the family's window resets. */
  resetMs?: number;
}

export interface RateLimitHeaders {
  requests?: RateLimitFamily;
  tokens?: RateLimitFamily;
  /** Every family the response carried, the two above included, by header suffix. */
  families: Record<string, RateLimitFamily>;
}

/** What the response headers say, typed. Absent or unparsable values are left out. */
export interface ResponseMeta {
  /** `x-request-id`: quote it to OpenAI support. */
  requestId?: string;
  /** `openai-processing-ms`. */
  processingMs?: number;
  /** `openai-version`. */
  version?: string;
  /** `openai-organization`. */
  organization?: string;
  /** `openai-project`. */
  project?: string;
  /** `openai-model`, where sent. */
  model?: string;
  /** From `retry-after-ms`, else `retry-after` (seconds or an HTTP date). */
  retryAfterMs?: number;
  /** `x-should-retry`: the server's own verdict, when it gives one. */
  shouldRetry?: boolean;
  rateLimit: RateLimitHeaders;
  /** Every header, names lower-cased. */
  headers: Record<string, string>;
}

export type HeaderSource =
  | Headers
  | Record<string, string | string[] | undefined>
  | Iterable<[string, string]>;

const RATE_LIMIT = /^x-ratelimit-(limit|remaining|reset)-(.+)$/;

/** A record without a prototype: header names come from the network (`__proto__` is a valid one). */
function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function toRecord(source: HeaderSource): Record<string, string> {
  const record = emptyRecord<string>();
  const entries: Iterable<[string, unknown]> =
    typeof (source as Headers).forEach === 'function' &&
    typeof (source as Headers).get === 'function'
      ? (source as Headers).entries()
      : Symbol.iterator in source
        ? (source as Iterable<[string, string]>)
        : Object.entries(source);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    // Repeated headers (set-cookie, or the same name twice) are kept, joined as HTTP does.
    record[key] = key in record ? `${record[key]}, ${text}` : text;
  }
  return record;
}

const finite = (value: number) => (Number.isFinite(value) ? value : undefined);

/**
 * A numeric header (`x-ratelimit-limit-*`, `openai-processing-ms`): a non-negative decimal,
 * or undefined: `Sanitized` and other placeholders are not numbers, and neither is one too
 * long for a double (Infinity).
 */
export function parseHeaderNumber(text: string | null | undefined): number | undefined {
  if (text == null || !/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  return finite(Number(text));
}

/** IMF-fixdate, the HTTP date format: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** `retry-after`: delay-seconds, or an HTTP date measured from `nowMs`. */
export function parseRetryAfter(text: string, nowMs: number = Date.now()): number | undefined {
  const seconds = parseHeaderNumber(text);
  if (seconds !== undefined) return finite(seconds * 1000);
  // Date.parse alone accepts loose text ("soon 5"); only a real HTTP date counts.
  if (!HTTP_DATE.test(text.trim())) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function setDefined<T extends object, K extends keyof T>(
  target: T,
  key: K,
  value: T[K] | undefined,
): void {
  if (value !== undefined) target[key] = value;
}

/** Reads the headers of an OpenAI (or compatible) response into one typed object. */
export function parseResponseMeta(
  source: HeaderSource,
  options: { nowMs?: number } = {},
): ResponseMeta {
  const headers = toRecord(source);
  const families = emptyRecord<RateLimitFamily>();
  for (const [name, value] of Object.entries(headers)) {
    const match = RATE_LIMIT.exec(name);
    if (!match) continue;
    const [, kind, family] = match as unknown as [string, 'limit' | 'remaining' | 'reset', string];
    const entry = Object.hasOwn(families, family) ? (families[family] as RateLimitFamily) : {};
    families[family] = entry;
    if (kind === 'reset') setDefined(entry, 'resetMs', parseDuration(value));
    else setDefined(entry, kind, parseHeaderNumber(value));
  }
  const rateLimit: RateLimitHeaders = { families };
  setDefined(rateLimit, 'requests', families.requests);
  setDefined(rateLimit, 'tokens', families.tokens);

  const meta: ResponseMeta = { rateLimit, headers };
  setDefined(meta, 'requestId', headers['x-request-id']);
  setDefined(meta, 'processingMs', parseHeaderNumber(headers['openai-processing-ms']));
  setDefined(meta, 'version', headers['openai-version']);
  setDefined(meta, 'organization', headers['openai-organization']);
  setDefined(meta, 'project', headers['openai-project']);
  setDefined(meta, 'model', headers['openai-model']);
  const retryAfterMs = parseHeaderNumber(headers['retry-after-ms']);
  const retryAfter = headers['retry-after'];
  setDefined(
    meta,
    'retryAfterMs',
    retryAfterMs ??
      (retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, options.nowMs)),
  );
  const shouldRetry = headers['x-should-retry'];
  if (shouldRetry === 'true' || shouldRetry === 'false') meta.shouldRetry = shouldRetry === 'true';
  return meta;
}
