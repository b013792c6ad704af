import type { Attributes } from '@opentelemetry/api';
import type { ChatResult, EmbedResult, Usage } from '@ply/core';
import { GEN_AI, PLY } from './gen-ai-names.js';

/**
 * The usage the API reported, under the conventions' names. A cache hit used no tokens
 * (its usage is the stored answer's): it says so instead.
 */
export function usageAttributes(
  result: { usage: Usage; meta: ChatResult['meta'] },
  attributes: Attributes,
): void {
  if (result.meta.cache?.hit === true) {
    attributes[PLY.cacheHit] = true;
    return;
  }
  const usage = result.usage;
  attributes[GEN_AI.usageInputTokens] = usage.inputTokens;
  attributes[GEN_AI.usageOutputTokens] = usage.outputTokens;
  if (usage.cachedInputTokens)
    attributes[GEN_AI.usageCacheReadInputTokens] = usage.cachedInputTokens;
  if (usage.cacheWriteTokens) {
    attributes[GEN_AI.usageCacheCreationInputTokens] = usage.cacheWriteTokens;
  }
  if (usage.reasoningTokens) attributes[GEN_AI.usageReasoningOutputTokens] = usage.reasoningTokens;
}

/** What a chat answer says about itself: model, id, finish reasons, usage, tier. */
export function chatResultAttributes(result: ChatResult): Attributes {
  const attributes: Attributes = {};
  const model = result.meta.model ?? result.model;
  if (model) attributes[GEN_AI.responseModel] = model;
  if (result.meta.id) attributes[GEN_AI.responseId] = result.meta.id;
  const choices = result.choices.length > 0 ? result.choices : [result];
  // The provider's own words (`tool_calls`, `content_filter`), as the conventions ask.
  attributes[GEN_AI.responseFinishReasons] = choices.map(
    (choice) => choice.finishReason.raw ?? choice.finishReason.unified,
  );
  usageAttributes(result, attributes);
  if (result.meta.serviceTier)
    attributes[GEN_AI.openaiResponseServiceTier] = result.meta.serviceTier;
  if (result.meta.systemFingerprint) {
    attributes[GEN_AI.openaiResponseSystemFingerprint] = result.meta.systemFingerprint;
  }
  return attributes;
}

export function embedResultAttributes(result: EmbedResult): Attributes {
  const attributes: Attributes = {};
  const model = result.meta.model ?? result.model;
  if (model) attributes[GEN_AI.responseModel] = model;
  if (result.meta.id) attributes[GEN_AI.responseId] = result.meta.id;
  usageAttributes(result, attributes);
  return attributes;
}

/** `error.type`: the typed error's stable code (`rate_limited`, `aborted`...), else its name. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name) return name;
  }
  return '_OTHER';
}

/** A message for the span status: the error's own, which ply's errors keep free of secrets. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
