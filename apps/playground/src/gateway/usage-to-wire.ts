import type { Usage } from '@ply/core';
import type { CompletionUsage } from '@ply/response-models';

/**
 * Core's usage as OpenAI's `usage`. Core's totals already include cached and reasoning
 * tokens, exactly as the API counts them, so the numbers map one to one.
 */
export function usageToWire(usage: Usage): CompletionUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: {
      cached_tokens: usage.cachedInputTokens,
      audio_tokens: usage.inputAudioTokens,
      // Only some providers bill cache writes; OpenAI's own usage has no such field.
      ...(usage.cacheWriteTokens > 0 ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: usage.outputAudioTokens,
      accepted_prediction_tokens: usage.acceptedPredictionTokens,
      rejected_prediction_tokens: usage.rejectedPredictionTokens,
    },
  };
}
