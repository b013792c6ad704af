import type { ServerResponse } from 'node:http';
import { type CostSummary, type ResponseMetadata, toPlyError, type Usage } from '@ply/core';
import type { LedgerEntry } from '@ply/cost';
import { toWireError } from '../server/error-envelope.js';
import { CallTrace } from '../stack/call-trace.js';
import {
  type CallOutcome,
  type CallTokens,
  cacheStatusOf,
  type GatewayRoute,
} from './call-outcome.js';

/** What a successful call returned: a chat result (complete or streamed) or embeddings. */
export interface AnsweredCall {
  model: string;
  usage: Usage;
  meta: ResponseMetadata;
  cost?: CostSummary | undefined;
}

export interface GatewayCallOptions {
  route: GatewayRoute;
  /** Carries the gateway's own `x-request-id` header, set before any route runs. */
  response: ServerResponse;
  /** Masks the stack's and the gateway's secrets in strings that reach the log. */
  redact: (text: string) => string;
  /** The bounded `model` label of a provider id and model. */
  modelLabel: (
    providerId: string | undefined,
    model: string | undefined,
    answered: boolean,
  ) => string;
}

/** Longest wire `model` the log repeats; a longer one is cut. */
const MAX_LOGGED_MODEL = 200;

/**
 * One gateway call, observed from arrival to end. Its `trace` is the playground's
 * `CallTrace` (records not kept): the inspecting fetch counts its attempts and reads the
 * upstream's request id, the retry policy's events name each retried failure, and the
 * ledger hands over its usage and cost, an aborted stream's too. The routes report what
 * they resolved and got; `end` turns it all into one `CallOutcome`.
 */
export class GatewayCall {
  readonly trace = new CallTrace({ keepRecords: false });
  readonly #options: GatewayCallOptions;
  readonly #startedAt = new Date();
  readonly #startedMs = performance.now();
  #stream = false;
  #modelRequested: string | undefined;
  #providerId: string | undefined;
  #model: string | undefined;
  #firstChunkMs: number | undefined;
  #answered: AnsweredCall | undefined;
  #error: unknown;
  #failed = false;
  #clientLeft = false;
  #upstreamRequestId: string | undefined;
  readonly #retriedCodes: string[] = [];

  constructor(options: GatewayCallOptions) {
    this.#options = options;
    const { response } = options;
    response.once('close', () => {
      if (!response.writableFinished) this.#clientLeft = true;
    });
    this.trace.onRecord((record) => {
      if (record.type === 'response') {
        this.#upstreamRequestId = record.headers['x-request-id'] ?? this.#upstreamRequestId;
      } else if (record.type === 'resilience' && record.event.type === 'retry-scheduled') {
        this.#retriedCodes.push(record.event.code ?? 'unknown');
      }
    });
  }

  /** The wire's `model` as sent, before it is resolved (undefined when absent). */
  requested(model: string | undefined, stream = false): void {
    this.#stream = stream;
    if (model !== undefined) {
      // Masked whole, then cut: a secret cut in two would no longer be recognised.
      this.#modelRequested = this.#options.redact(model).slice(0, MAX_LOGGED_MODEL);
    }
  }

  /** What the registry resolved the call to. */
  resolved(providerId: string, model: string | undefined): void {
    this.#providerId = providerId;
    this.#model = model;
  }

  firstChunk(): void {
    this.#firstChunkMs ??= performance.now();
  }

  answered(result: AnsweredCall): void {
    this.#answered = result;
  }

  failed(error: unknown): void {
    this.#failed = true;
    this.#error = error;
  }

  /** The call as it ended; call once its answer is sent or abandoned. */
  outcome(): CallOutcome {
    const { response, redact } = this.#options;
    const ledger: LedgerEntry | undefined = this.trace.ledgerEntries.at(-1);
    const answered = this.#answered;
    const errorCode = this.#clientLeft
      ? 'aborted'
      : this.#failed
        ? toPlyError(this.#error).code
        : undefined;
    const usage = answered?.usage ?? ledger?.usage;
    const cost = answered?.cost ?? ledger?.cost;
    const upstreamId =
      answered?.meta.requestId ??
      (this.#failed ? toPlyError(this.#error).requestId : undefined) ??
      this.#upstreamRequestId;
    const modelAnswered = answered?.model ?? ledger?.model;
    return {
      startedAt: this.#startedAt,
      requestId: String(response.getHeader('x-request-id') ?? ''),
      upstreamRequestId: upstreamId === undefined ? undefined : redact(upstreamId),
      route: this.#options.route,
      modelRequested: this.#modelRequested,
      modelLabel: this.#options.modelLabel(
        this.#providerId,
        this.#model ?? modelAnswered,
        answered !== undefined,
      ),
      modelAnswered: modelAnswered === undefined ? undefined : redact(modelAnswered),
      status: this.#status(errorCode),
      stream: this.#stream,
      tokens: usage === undefined ? undefined : tokensOf(usage, ledger),
      costUsd: cost?.amount,
      latencyMs: Math.round(performance.now() - this.#startedMs),
      ttftMs:
        this.#firstChunkMs === undefined
          ? undefined
          : Math.round(this.#firstChunkMs - this.#startedMs),
      attempts: this.trace.attempts,
      retries: this.#retriedCodes.length,
      retriedCodes: [...this.#retriedCodes],
      cache: cacheStatusOf(answered?.meta),
      errorCode,
    };
  }

  /**
   * The status of the call's outcome: 499 when the client left first (nginx's code), the
   * status the error envelope gets (or a broken stream's error would have got: the wire
   * already said 200), else the status sent.
   */
  #status(errorCode: string | undefined): number {
    if (errorCode === 'aborted') return 499;
    if (this.#failed) return toWireError(this.#error).status;
    return this.#options.response.statusCode;
  }
}

function tokensOf(usage: Usage, ledger: LedgerEntry | undefined): CallTokens {
  return {
    input: usage.inputTokens,
    output: usage.outputTokens,
    cachedInput: usage.cachedInputTokens,
    estimated: usage.estimated || ledger?.estimated === true,
  };
}
