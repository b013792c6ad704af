import { hasContent, type PartialOutput } from '../partial-output.js';
import { PlyError, type PlyErrorOptions } from './ply-error.js';

export interface TimeoutErrorOptions extends PlyErrorOptions {
  timeoutMs?: number;
  /** Which limit ran out. */
  phase?: 'request' | 'first-token' | 'idle' | 'deadline';
}

export class TimeoutError extends PlyError {
  static override readonly code: string = 'timeout';
  static override readonly defaultRetryable: boolean = true;
  declare readonly code: 'timeout';
  readonly timeoutMs: number | undefined;
  readonly phase: TimeoutErrorOptions['phase'];

  constructor(message: string, options: TimeoutErrorOptions = {}) {
    super(message, options);
    this.timeoutMs = options.timeoutMs;
    this.phase = options.phase;
  }
}

/** No response: refused, reset, DNS, TLS. */
export class ConnectionError extends PlyError {
  static override readonly code: string = 'connection';
  static override readonly defaultRetryable: boolean = true;
  declare readonly code: 'connection';
}

export interface PartialOutputErrorOptions extends PlyErrorOptions {
  partial?: PartialOutput;
}

/**
 * A stream that stopped before its end: an `error` event, a cut connection, an idle
 * timeout. `partial` keeps what had arrived. Retryable by default only while nothing had
 * been shown to the caller, since a replay would duplicate output.
 */
export class StreamInterruptedError extends PlyError {
  static override readonly code: string = 'stream_interrupted';
  declare readonly code: 'stream_interrupted';
  readonly partial: PartialOutput | undefined;

  constructor(message: string, options: PartialOutputErrorOptions = {}) {
    const retryable = options.retryable ?? (options.partial ? !hasContent(options.partial) : true);
    super(message, { ...options, retryable });
    this.partial = options.partial;
  }
}

/** The caller aborted (signal, `abort()`, or leaving a stream loop early). Never retried. */
export class AbortedError extends PlyError {
  static override readonly code: string = 'aborted';
  declare readonly code: 'aborted';
  readonly partial: PartialOutput | undefined;

  constructor(message = 'The call was aborted', options: PartialOutputErrorOptions = {}) {
    super(message, options);
    this.partial = options.partial;
  }
}
