import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallOutcome, GatewayRoute } from './call-outcome.js';

/** Seconds: LLM calls run from tens of milliseconds (a cache, an embedding) to minutes. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const FIRST_TOKEN_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

/** Refusals a policy made, by the typed code of the error it threw. */
const REFUSAL_REASONS: Readonly<Record<string, string>> = {
  rate_limit_wait_exceeded: 'rate_limit',
  circuit_open: 'circuit_open',
  budget_exceeded: 'budget',
  retry_budget_exhausted: 'retry_budget',
  bulkhead_full: 'bulkhead',
};
/** Failures that never came from an upstream: the caller's, or a policy's before any attempt. */
const NOT_UPSTREAM: ReadonlySet<string> = new Set(['aborted', ...Object.keys(REFUSAL_REASONS)]);
const CODE_SHAPE = /^[a-z_]{1,40}$/;

/** ply's error codes are a closed set of classes; anything else is `other`, never free text. */
function codeLabel(code: string): string {
  return CODE_SHAPE.test(code) ? code : 'other';
}

/**
 * The gateway's Prometheus metrics, in a registry of their own (not prom-client's global
 * one), so tests and several gateways in one process each count only their own calls.
 * Labels are bounded: routes and statuses are fixed sets, models come from `ModelLabels`,
 * error codes from ply's typed errors. Nothing a client sends reaches a label verbatim.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({
    name: 'ply_gateway_requests_total',
    help: 'Gateway calls by route, model and HTTP status of their outcome',
    labelNames: ['route', 'model', 'status'] as const,
    registers: [this.registry],
  });
  readonly #duration = new Histogram({
    name: 'ply_gateway_request_duration_seconds',
    help: 'Time from a call arriving to its answer ending (a stream: its last chunk)',
    labelNames: ['route', 'model'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  readonly #firstToken = new Histogram({
    name: 'ply_gateway_time_to_first_token_seconds',
    help: 'Streams: time from a call arriving to its first chunk sent',
    labelNames: ['model'] as const,
    buckets: FIRST_TOKEN_BUCKETS,
    registers: [this.registry],
  });
  readonly #tokens = new Counter({
    name: 'ply_gateway_tokens_total',
    help: 'Tokens by model and type: input (cached included), cached_input, output',
    labelNames: ['model', 'type'] as const,
    registers: [this.registry],
  });
  readonly #cost = new Counter({
    name: 'ply_gateway_cost_usd_total',
    help: 'What the calls cost in USD, by model (unpriced models are not counted)',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly #attempts = new Counter({
    name: 'ply_gateway_upstream_attempts_total',
    help: 'HTTP attempts sent upstream, retries and fallbacks included',
    labelNames: ['route', 'model'] as const,
    registers: [this.registry],
  });
  readonly #retries = new Counter({
    name: 'ply_gateway_retries_total',
    help: 'Retries the retry policy scheduled',
    labelNames: ['route', 'model'] as const,
    registers: [this.registry],
  });
  readonly #upstreamErrors = new Counter({
    name: 'ply_gateway_upstream_errors_total',
    help: 'Failed upstream attempts (retried or final) by ply error code',
    labelNames: ['model', 'code'] as const,
    registers: [this.registry],
  });
  readonly #refusals = new Counter({
    name: 'ply_gateway_refusals_total',
    help: 'Calls a policy refused: rate_limit, circuit_open, budget, retry_budget, bulkhead',
    labelNames: ['model', 'reason'] as const,
    registers: [this.registry],
  });
  readonly #inFlight = new Gauge({
    name: 'ply_gateway_in_flight_requests',
    help: 'Gateway calls under way',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });
  readonly #cache = new Counter({
    name: 'ply_gateway_cache_lookups_total',
    help: 'Calls a cache layer answered (hit) or looked up and passed on (miss, bypass)',
    labelNames: ['route', 'result'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Present at 0 from the start, so a dashboard's hit ratio has series before any cache.
    for (const route of ['chat', 'embeddings'] as const) {
      for (const result of ['hit', 'miss'] as const) this.#cache.inc({ route, result }, 0);
    }
    for (const route of ['chat', 'embeddings', 'models'] as const) this.#inFlight.set({ route }, 0);
  }

  /** A call arrived; returns what to call when it ends, whatever happened. */
  started(route: GatewayRoute): () => void {
    this.#inFlight.inc({ route });
    return () => this.#inFlight.dec({ route });
  }

  record(call: CallOutcome): void {
    const { route, modelLabel: model } = call;
    this.#requests.inc({ route, model, status: String(call.status) });
    this.#duration.observe({ route, model }, call.latencyMs / 1000);
    if (call.ttftMs !== undefined) this.#firstToken.observe({ model }, call.ttftMs / 1000);
    if (call.tokens !== undefined) {
      this.#tokens.inc({ model, type: 'input' }, call.tokens.input);
      this.#tokens.inc({ model, type: 'cached_input' }, call.tokens.cachedInput);
      this.#tokens.inc({ model, type: 'output' }, call.tokens.output);
    }
    if (call.costUsd !== undefined) this.#cost.inc({ model }, call.costUsd);
    if (call.attempts > 0) this.#attempts.inc({ route, model }, call.attempts);
    if (call.retries > 0) this.#retries.inc({ route, model }, call.retries);
    for (const code of call.retriedCodes) {
      this.#upstreamErrors.inc({ model, code: codeLabel(code) });
    }
    const code = call.errorCode;
    if (code !== undefined) {
      const reason = REFUSAL_REASONS[code];
      if (reason !== undefined) this.#refusals.inc({ model, reason });
      else if (call.attempts > 0 && !NOT_UPSTREAM.has(code)) {
        this.#upstreamErrors.inc({ model, code: codeLabel(code) });
      }
    }
    if (call.cache !== 'none') this.#cache.inc({ route, result: call.cache });
  }

  /** The Prometheus text exposition, and its content type. */
  async exposition(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
