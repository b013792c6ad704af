import type { CallOutcome } from './call-outcome.js';

export type CallLogFormat = 'json' | 'off';

/** Where call log lines go: anything with `write` (a stream, a file, a test's buffer). */
export interface LogWritable {
  write(chunk: string): unknown;
}

export interface CallLogOptions {
  /** `json` (default): one JSON object per line per call; `off`: nothing. */
  format?: CallLogFormat;
  /** Default `process.stdout`. */
  to?: LogWritable;
}

/**
 * One structured line per gateway call, written when the call ends (a stream when its
 * last chunk is sent or the client leaves). It says who answered, how, how long and for
 * how much; never the key, never the prompt or the completion. The outcome's strings
 * are already bounded and masked.
 */
export class CallLog {
  readonly #format: CallLogFormat;
  readonly #to: LogWritable;

  constructor(options: CallLogOptions = {}) {
    this.#format = options.format ?? 'json';
    this.#to = options.to ?? process.stdout;
  }

  write(call: CallOutcome): void {
    if (this.#format === 'off') return;
    this.#to.write(`${JSON.stringify(callLogLine(call))}\n`);
  }
}

/** The fields of a call's log line, in the order they are written. */
export function callLogLine(call: CallOutcome): Record<string, unknown> {
  const level = call.status >= 500 ? 'error' : call.status >= 400 ? 'warn' : 'info';
  return {
    time: call.startedAt.toISOString(),
    level,
    msg: 'gateway call',
    requestId: call.requestId,
    upstreamRequestId: call.upstreamRequestId ?? null,
    route: call.route,
    modelRequested: call.modelRequested ?? null,
    model: call.modelAnswered ?? null,
    status: call.status,
    stream: call.stream,
    tokens:
      call.tokens === undefined
        ? null
        : {
            input: call.tokens.input,
            output: call.tokens.output,
            cachedInput: call.tokens.cachedInput,
            estimated: call.tokens.estimated,
          },
    costUsd: call.costUsd ?? null,
    latencyMs: call.latencyMs,
    ttftMs: call.ttftMs ?? null,
    attempts: call.attempts,
    retries: call.retries,
    cache: call.cache,
    errorCode: call.errorCode ?? null,
  };
}
