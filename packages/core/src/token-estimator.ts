import type { ChatMessage } from './messages.js';
import type { ChatRequest } from './request.js';

export interface TokenEstimate {
  tokens: number;
  /** True when the count is what the provider will bill, not an approximation. */
  exact: boolean;
}

/**
 * Counts tokens before a call: a rate limiter reserves with it, a budget prices with it.
 * `@ply/cost` implements it with tiktoken; `approximateTokenEstimator` needs nothing.
 */
export interface TokenEstimator {
  countText(text: string, model?: string): TokenEstimate;
  estimateChat(request: ChatRequest): TokenEstimate;
}

const CHARS_PER_TOKEN = 4;
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING_TOKENS = 3;

function messageText(message: ChatMessage): string {
  const parts: string[] = [];
  if (typeof message.content === 'string') parts.push(message.content);
  else if (Array.isArray(message.content)) {
    for (const part of message.content) if (part.type === 'text') parts.push(part.text);
  }
  if (message.role === 'assistant') {
    for (const call of message.toolCalls ?? []) parts.push(call.name, call.arguments);
  }
  return parts.join('');
}

/** Four characters a token: the usual rule of thumb, always marked as an estimate. */
export const approximateTokenEstimator: TokenEstimator = {
  countText: (text) => ({ tokens: Math.ceil(text.length / CHARS_PER_TOKEN), exact: false }),
  estimateChat(request) {
    let chars = 0;
    for (const message of request.messages) chars += messageText(message).length;
    for (const tool of request.tools ?? []) chars += JSON.stringify(tool).length;
    const framing = request.messages.length * TOKENS_PER_MESSAGE + REPLY_PRIMING_TOKENS;
    return { tokens: Math.ceil(chars / CHARS_PER_TOKEN) + framing, exact: false };
  },
};
