import { PLY_ERROR_BRAND } from './brand.js';
import { redactSecrets } from './redact-secrets.js';
import { redactedCause } from './redacted-cause.js';

/**
 * Brands live under `Symbol.for` keys so that an error thrown by one installed copy of
 * `@ply/core` is still recognised by another copy (a dependency that bundles its own).
 */
const KINDS = Symbol.for('@ply/core/error-kinds');

export interface PlyErrorOptions {
  /** Provider id that produced the error (`openai`, `azure`, ...). */
  provider?: string;
  /** HTTP status, when the error came from a response. */
  status?: number;
  /** The API's request id (`x-request-id`), for support tickets. */
  requestId?: string;
  /** Overrides the class default: whether trying again can succeed. */
  retryable?: boolean;
  /** How long the server asked us to wait before trying again. */
  retryAfterMs?: number;
  /** Response headers, lower-cased names. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** A plain-data view of an error, safe to log or serialise. */
export interface PlyErrorJSON {
  name: string;
  code: string;
  message: string;
  provider?: string;
  status?: number;
  requestId?: string;
  retryable: boolean;
  retryAfterMs?: number;
}

type PlyErrorClass = { readonly code: string };

/** Every code up the class chain, most specific first. */
function kindsOf(ctor: PlyErrorClass): string[] {
  const kinds: string[] = [];
  let current: unknown = ctor;
  while (
    typeof current === 'function' &&
    typeof (current as unknown as PlyErrorClass).code === 'string'
  ) {
    const { code } = current as unknown as PlyErrorClass;
    if (!kinds.includes(code)) kinds.push(code);
    current = Object.getPrototypeOf(current);
  }
  return kinds;
}

/**
 * Base of every error ply throws. Subclasses declare a stable `code` and whether they are
 * retryable by default; the constructor stamps the brand, so checks work across copies:
 * `RateLimitError.isInstance(err)` and `err instanceof RateLimitError` alike.
 */
export class PlyError extends Error {
  static readonly code: string = 'ply_error';
  static readonly defaultRetryable: boolean = false;

  readonly code: string;
  readonly provider: string | undefined;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(message: string, options: PlyErrorOptions = {}) {
    super(
      redactSecrets(message),
      options.cause === undefined ? undefined : { cause: redactedCause(options.cause) },
    );
    const ctor = new.target as unknown as typeof PlyError;
    this.name = ctor.name;
    this.code = ctor.code;
    this.provider = options.provider;
    this.status = options.status;
    this.requestId = options.requestId;
    this.retryable = options.retryable ?? ctor.defaultRetryable;
    this.retryAfterMs = options.retryAfterMs;
    this.headers = options.headers;
    Object.defineProperty(this, PLY_ERROR_BRAND, { value: true });
    Object.defineProperty(this, KINDS, { value: kindsOf(ctor) });
  }

  /** True for an error of this class or a subclass, from any installed copy of ply. */
  static isInstance<T extends abstract new (...args: never[]) => PlyError>(
    this: T & PlyErrorClass,
    value: unknown,
  ): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null) return false;
    const record = value as Record<symbol, unknown>;
    if (record[PLY_ERROR_BRAND] !== true) return false;
    const kinds = record[KINDS];
    return Array.isArray(kinds) && kinds.includes(this.code);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return PlyError.isInstance.call(this as typeof PlyError, value);
  }

  toJSON(): PlyErrorJSON {
    const json: PlyErrorJSON = {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
    };
    if (this.provider !== undefined) json.provider = this.provider;
    if (this.status !== undefined) json.status = this.status;
    if (this.requestId !== undefined) json.requestId = this.requestId;
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    return json;
  }
}
