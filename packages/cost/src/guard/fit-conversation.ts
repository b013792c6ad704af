import type { ChatMessage, TokenEstimator } from '@ply/core';

export interface FitConversationOptions {
  /** Tokens the prompt may take. */
  maxTokens: number;
  estimator: TokenEstimator;
  model?: string;
  /** Replaces the dropped turns with one message (a summary), or drops them when absent. */
  summarise?: (dropped: ChatMessage[]) => ChatMessage | Promise<ChatMessage>;
}

export interface FittedConversation {
  messages: ChatMessage[];
  dropped: ChatMessage[];
  tokens: number;
}

/**
 * Turns: an assistant message that calls tools together with the tool results answering
 * it, or any other single message. A unit is kept or dropped whole, so a tool call is
 * never separated from its result.
 */
function units(messages: ChatMessage[]): ChatMessage[][] {
  const grouped: ChatMessage[][] = [];
  for (const message of messages) {
    const last = grouped.at(-1);
    if (message.role === 'tool' && last?.[0]?.role === 'assistant' && last[0].toolCalls?.length)
      last.push(message);
    else grouped.push([message]);
  }
  return grouped;
}

const isInstruction = (unit: ChatMessage[]) =>
  unit[0]?.role === 'system' || unit[0]?.role === 'developer';

/**
 * Fits a conversation into `maxTokens` by dropping the oldest turns: system and developer
 * instructions and the last turn always stay; a tool call and its results go together.
 * With `summarise`, the dropped turns are replaced by the message it returns.
 */
export async function fitConversation(
  messages: ChatMessage[],
  options: FitConversationOptions,
): Promise<FittedConversation> {
  const count = (candidate: ChatMessage[]) =>
    options.estimator.estimateChat({
      messages: candidate,
      ...(options.model ? { model: options.model } : {}),
    }).tokens;
  const all = units(messages);
  const droppable = all.map((unit, index) => !isInstruction(unit) && index !== all.length - 1);
  const kept = [...all];
  const dropped: ChatMessage[] = [];
  let tokens = count(kept.flat());
  for (let index = 0; index < all.length && tokens > options.maxTokens; index++) {
    if (!droppable[index]) continue;
    const unit = all[index] as ChatMessage[];
    kept.splice(kept.indexOf(unit), 1);
    dropped.push(...unit);
    tokens = count(kept.flat());
  }
  if (dropped.length > 0 && options.summarise) {
    const summary = await options.summarise(dropped);
    const firstConversational = kept.findIndex((unit) => !isInstruction(unit));
    kept.splice(firstConversational === -1 ? kept.length : firstConversational, 0, [summary]);
    tokens = count(kept.flat());
  }
  return { messages: kept.flat(), dropped, tokens };
}
