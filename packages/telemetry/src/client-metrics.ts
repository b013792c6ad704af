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

interface AnswerDimensions {
  answer: Attributes;
  input: Attributes;
  output: Attributes;
}

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
  succeeded(
    target: Readonly<Attributes>,
    responseModel: string | undefined,
    seconds: number,
    usage: Usage | undefined,
  ) {
    const dimensions = this.#answered(target, responseModel);
    this.#duration.record(seconds, dimensions.answer);
    // Estimated usage (nothing billed came back) is not what the API counted; none at all
    // is a cache hit's.
    if (usage === undefined || usage.estimated) return;
    this.#tokenUsage.record(usage.inputTokens, dimensions.input);
    // Embeddings produce no output tokens: the conventions record input only.
    if (target[GEN_AI.operationName] === OPERATION.embeddings) return;
    this.#tokenUsage.record(usage.outputTokens, dimensions.output);
  }

  /** The dimensions of an answer, built once per target and response model. */
  readonly #dimensions = new WeakMap<Readonly<Attributes>, Map<string, AnswerDimensions>>();
  #answered(target: Readonly<Attributes>, responseModel: string | undefined): AnswerDimensions {
    let byModel = this.#dimensions.get(target);
    if (byModel === undefined) {
      byModel = new Map();
      this.#dimensions.set(target, byModel);
    }
    const key = responseModel ?? '';
    let dimensions = byModel.get(key);
    if (dimensions === undefined) {
      const answer = responseModel ? { ...target, [GEN_AI.responseModel]: responseModel } : target;
      dimensions = {
        answer,
        input: { ...answer, [GEN_AI.tokenType]: TOKEN_TYPE.input },
        output: { ...answer, [GEN_AI.tokenType]: TOKEN_TYPE.output },
      };
      // Response models are few per target (dated snapshots); a bound keeps a misbehaving
      // server from growing the cache.
      if (byModel.size < 100) byModel.set(key, dimensions);
    }
    return dimensions;
  }

  /** A call that failed: its duration, with `error.type`. */
  failed(target: Readonly<Attributes>, seconds: number, errorType: string) {
    this.#duration.record(seconds, { ...target, [GENERAL.errorType]: errorType });
  }

  firstChunk(target: Readonly<Attributes>, seconds: number) {
    this.#firstChunk.record(seconds, target);
  }
}
