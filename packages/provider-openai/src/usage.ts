import { createUsage, type Usage } from '@ply/core';
import type { CompletionUsage } from '@ply/response-models';

/** The API's usage, normalised without double counting; the raw object is kept. */
export function normaliseUsage(usage: CompletionUsage | null | undefined): Usage {
  if (!usage) return createUsage({ estimated: true });
  const prompt = usage.prompt_tokens_details;
  const completion = usage.completion_tokens_details;
  return createUsage({
    inputTokens: usage.prompt_tokens ?? 0,
    cachedInputTokens: prompt?.cached_tokens ?? 0,
    inputAudioTokens: prompt?.audio_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    reasoningTokens: completion?.reasoning_tokens ?? 0,
    outputAudioTokens: completion?.audio_tokens ?? 0,
    acceptedPredictionTokens: completion?.accepted_prediction_tokens ?? 0,
    rejectedPredictionTokens: completion?.rejected_prediction_tokens ?? 0,
    totalTokens: usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0),
    raw: usage,
  });
}
