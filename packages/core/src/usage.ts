/**
 * Token usage, normalised across providers. The API's own numbers are kept and nothing is
 * counted twice: `inputTokens` includes `cachedInputTokens`, `outputTokens` includes
 * `reasoningTokens`.
 */
export interface Usage {
  /** Every input token, cached ones included. */
  inputTokens: number;
  /** Input tokens served from the prompt cache (a subset of `inputTokens`). */
  cachedInputTokens: number;
  /** Input tokens written to the cache, where the provider bills them apart. */
  cacheWriteTokens: number;
  /** Every output token, reasoning included. */
  outputTokens: number;
  /** Hidden reasoning tokens (a subset of `outputTokens`). */
  reasoningTokens: number;
  inputAudioTokens: number;
  outputAudioTokens: number;
  /** Predicted-output tokens that appeared in the completion. */
  acceptedPredictionTokens: number;
  /** Predicted-output tokens that did not, still billed as output. */
  rejectedPredictionTokens: number;
  totalTokens: number;
  /** True when the numbers are our estimate, not what the provider reported. */
  estimated: boolean;
  /** The provider's usage object as received. */
  raw?: unknown;
}

/** Builds a `Usage` from the fields a provider knows; the rest are 0. */
export function createUsage(fields: Partial<Usage> = {}): Usage {
  const inputTokens = fields.inputTokens ?? 0;
  const outputTokens = fields.outputTokens ?? 0;
  const usage: Usage = {
    inputTokens,
    cachedInputTokens: fields.cachedInputTokens ?? 0,
    cacheWriteTokens: fields.cacheWriteTokens ?? 0,
    outputTokens,
    reasoningTokens: fields.reasoningTokens ?? 0,
    inputAudioTokens: fields.inputAudioTokens ?? 0,
    outputAudioTokens: fields.outputAudioTokens ?? 0,
    acceptedPredictionTokens: fields.acceptedPredictionTokens ?? 0,
    rejectedPredictionTokens: fields.rejectedPredictionTokens ?? 0,
    totalTokens: fields.totalTokens ?? inputTokens + outputTokens,
    estimated: fields.estimated ?? false,
  };
  if (fields.raw !== undefined) usage.raw = fields.raw;
  return usage;
}
