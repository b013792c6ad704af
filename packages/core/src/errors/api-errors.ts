import type { RateLimitSnapshot } from '../response-metadata.js';
import { PlyError, type PlyErrorOptions } from './ply-error.js';

/** 401: missing, wrong or revoked credentials. */
export class AuthenticationError extends PlyError {
  static override readonly code: string = 'authentication';
  declare readonly code: 'authentication';
}

/** 403: the key may not use this model, region or endpoint. */
export class PermissionDeniedError extends PlyError {
  static override readonly code: string = 'permission_denied';
  declare readonly code: 'permission_denied';
}

export interface NotFoundErrorOptions extends PlyErrorOptions {
  model?: string;
}

/** 404: unknown model or resource, or a model this key cannot see. */
export class NotFoundError extends PlyError {
  static override readonly code: string = 'not_found';
  declare readonly code: 'not_found';
  readonly model: string | undefined;

  constructor(message: string, options: NotFoundErrorOptions = {}) {
    super(message, options);
    this.model = options.model;
  }
}

export interface InvalidRequestErrorOptions extends PlyErrorOptions {
  /** Path of the offending request field, such as `messages[2].role`. */
  field?: string;
}

/** 400/422, or our own validation before the network. Never retryable. */
export class InvalidRequestError extends PlyError {
  static override readonly code: string = 'invalid_request';
  declare readonly code: 'invalid_request' | 'context_window_exceeded';
  readonly field: string | undefined;

  constructor(message: string, options: InvalidRequestErrorOptions = {}) {
    super(message, options);
    this.field = options.field;
  }
}

export interface ContextWindowExceededErrorOptions extends InvalidRequestErrorOptions {
  model?: string;
  promptTokens?: number;
  /** Output tokens the request reserved. */
  maxOutputTokens?: number;
  contextWindow?: number;
}

/** The prompt plus the requested output cannot fit the model, found before the call or by the API. */
export class ContextWindowExceededError extends InvalidRequestError {
  static override readonly code: string = 'context_window_exceeded';
  declare readonly code: 'context_window_exceeded';
  readonly model: string | undefined;
  readonly promptTokens: number | undefined;
  readonly maxOutputTokens: number | undefined;
  readonly contextWindow: number | undefined;

  constructor(message: string, options: ContextWindowExceededErrorOptions = {}) {
    super(message, options);
    this.model = options.model;
    this.promptTokens = options.promptTokens;
    this.maxOutputTokens = options.maxOutputTokens;
    this.contextWindow = options.contextWindow;
  }
}

export interface RateLimitErrorOptions extends PlyErrorOptions {
  rateLimit?: RateLimitSnapshot;
  /**
   * The limit that ran out, when the refusal says: `requests` or `tokens` (per minute, as
   * OpenAI's 429 `type` names them), `requests-per-day`, `tokens-per-day`.
   */
  dimension?: string;
}

/** 429 for requests or tokens per minute: waiting helps. */
export class RateLimitError extends PlyError {
  static override readonly code: string = 'rate_limited';
  static override readonly defaultRetryable: boolean = true;
  declare readonly code: 'rate_limited';
  readonly rateLimit: RateLimitSnapshot | undefined;
  /** The limit that ran out (`requests`, `tokens`, ...), when known. */
  readonly dimension: string | undefined;

  constructor(message: string, options: RateLimitErrorOptions = {}) {
    super(message, options);
    this.rateLimit = options.rateLimit;
    this.dimension = options.dimension;
  }
}

/** 429 `insufficient_quota`: billing, not pace. Waiting does not help. */
export class QuotaExceededError extends PlyError {
  static override readonly code: string = 'quota_exhausted';
  declare readonly code: 'quota_exhausted';
}

/** 5xx: the provider failed; another attempt or deployment may succeed. */
export class ServerError extends PlyError {
  static override readonly code: string = 'server_error';
  static override readonly defaultRetryable: boolean = true;
  declare readonly code: 'server_error';
}

/** The provider's safety system blocked the prompt or the output. */
export class ContentFilterError extends PlyError {
  static override readonly code: string = 'content_filtered';
  declare readonly code: 'content_filtered';
}

/** The provider answered with something that does not match its own format. */
export class InvalidResponseError extends PlyError {
  static override readonly code: string = 'invalid_response';
  declare readonly code: 'invalid_response';
}

export interface ToolArgumentsErrorOptions extends PlyErrorOptions {
  toolName: string;
  toolCallId: string;
  /** The arguments text as the model produced it. */
  rawArguments: string;
}

/** A tool call whose arguments are not valid JSON. */
export class ToolArgumentsError extends PlyError {
  static override readonly code: string = 'invalid_tool_arguments';
  declare readonly code: 'invalid_tool_arguments';
  readonly toolName: string;
  readonly toolCallId: string;
  readonly rawArguments: string;

  constructor(message: string, options: ToolArgumentsErrorOptions) {
    super(message, options);
    this.toolName = options.toolName;
    this.toolCallId = options.toolCallId;
    this.rawArguments = options.rawArguments;
  }
}

export interface UnsupportedFeatureErrorOptions extends PlyErrorOptions {
  feature: string;
}

/** The provider or model cannot do what was asked (embeddings, tools, vision...). */
export class UnsupportedFeatureError extends PlyError {
  static override readonly code: string = 'unsupported';
  declare readonly code: 'unsupported';
  readonly feature: string;

  constructor(message: string, options: UnsupportedFeatureErrorOptions) {
    super(message, options);
    this.feature = options.feature;
  }
}
