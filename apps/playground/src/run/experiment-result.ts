import type { ChatResult, Settled } from '@ply/core';
import type { Experiment } from './plan-experiments.js';

/**
 * What one row gave: kept small (no raw response), since a run holds every result until
 * its summary.
 */
export interface ExperimentResult {
  experiment: Experiment;
  ok: boolean;
  /** The answer's text; empty for a failure. */
  output: string;
  refusal?: string;
  /** Present for a success: the usage the API reported. */
  usage?: {
    inputTokens: number;
    cachedInputTokens: number;
    outputTokens: number;
    reasoningTokens: number;
  };
  /** USD, from the cost middleware; undefined for a failure or an unpriced model, never 0 for those. */
  costUsd?: number;
  /** A success whose model has no price. */
  unpriced: boolean;
  /** Wall time of the call: retries and the rate limiter's wait included. */
  latencyMs: number;
  /** The API's word (`stop`, `length`, `content_filter`...), else ply's unified one. */
  finishReason?: string;
  requestId?: string;
  /** The model that answered (often a dated snapshot of the one asked for). */
  responseModel?: string;
  /** A failure's typed error: `code` as ply's errors have it, the message with secrets masked. */
  error?: { code: string; message: string; status?: number };
}

/**
 * `redact` masks secrets out of a failure's message before it is kept: an upstream's error
 * text may quote the key it was sent (OpenAI's own 401 does), and keys that are not
 * `sk-`-shaped (Azure, proxies) escape any pattern. Pass the stack's `redact`.
 */
export function experimentResult(
  experiment: Experiment,
  outcome: Settled<ChatResult>,
  latencyMs: number,
  redact: (text: string) => string,
): ExperimentResult {
  if (!outcome.ok) {
    const { code, status, requestId } = outcome.error;
    const message = redact(outcome.error.message);
    return {
      experiment,
      ok: false,
      output: '',
      unpriced: false,
      latencyMs,
      ...(requestId === undefined ? {} : { requestId }),
      error: { code, message, ...(status === undefined ? {} : { status }) },
    };
  }
  const result = outcome.value;
  const cost = result.cost;
  const requestId = result.meta.requestId ?? result.meta.id;
  return {
    experiment,
    ok: true,
    output: result.text,
    ...(result.refusal === undefined ? {} : { refusal: result.refusal }),
    usage: {
      inputTokens: result.usage.inputTokens,
      cachedInputTokens: result.usage.cachedInputTokens,
      outputTokens: result.usage.outputTokens,
      reasoningTokens: result.usage.reasoningTokens,
    },
    ...(cost?.amount === undefined ? {} : { costUsd: cost.amount }),
    unpriced: cost === undefined || cost.unpriced || cost.amount === undefined,
    latencyMs,
    finishReason: result.finishReason.raw ?? result.finishReason.unified,
    ...(requestId === undefined ? {} : { requestId }),
    responseModel: result.model,
  };
}
