import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import type { Usage } from '@ply/core';
import { GEN_AI, GENERAL, METRIC, OPERATION, TOKEN_TYPE } from './gen-ai-names.js';

/** The boundaries the GenAI conventions advise, in seconds and in tokens. */
const SECONDS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TOKENS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/** The GenAI client metrics: token usage, operation duration, time to first chunk. */
export class ClientMetrics {
  readonly #tokenUsage: Histogram;
  readonly #duration: Histogram;
  readonly #firstChunk: Histogram;

  constructor(meter: Meter) {
    this.#tokenUsage = meter.createHistogram(METRIC.tokenUsage, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKENS },
    });
    this.#duration = meter.createHistogram(METRIC.operationDuration, {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS },
    });
    this.#firstChunk = meter.createHistogram(METRIC.timeToFirstChunk, {
      description: 'Time to receive the first chunk of a streamed response.',
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS },
    });
  }

  /** A call that answered: its duration and the tokens it was billed for. */
  succeeded(target: Attributes, responseModel: string | undefined, seconds: number, usage: Usage) {
    const attributes = responseModel
      ? { ...target, [GEN_AI.responseModel]: responseModel }
      : target;
    this.#duration.record(seconds, attributes);
    // Estimated usage (nothing billed came back) is not what the API counted.
    if (usage.estimated) return;
    this.#tokenUsage.record(usage.inputTokens, {
      ...attributes,
      [GEN_AI.tokenType]: TOKEN_TYPE.input,
    });
    // Embeddings produce no output tokens: the conventions record input only.
    if (target[GEN_AI.operationName] === OPERATION.embeddings) return;
    this.#tokenUsage.record(usage.outputTokens, {
      ...attributes,
      [GEN_AI.tokenType]: TOKEN_TYPE.output,
    });
  }

  /** A call that failed: its duration, with `error.type`. */
  failed(target: Attributes, seconds: number, errorType: string) {
    this.#duration.record(seconds, { ...target, [GENERAL.errorType]: errorType });
  }

  firstChunk(target: Attributes, seconds: number) {
    this.#firstChunk.record(seconds, target);
  }
}
