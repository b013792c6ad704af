import type { ChatRequest } from '@ply/core';

/**
 * Why a chat request's answer may differ from one call to the next, or undefined when the
 * same request gets the same answer: greedy sampling (`temperature: 0`) or a fixed `seed`,
 * and one choice. An absent temperature is the provider's default (1 on OpenAI), so it
 * samples too.
 */
export function nondeterminism(request: ChatRequest): string | undefined {
  if (request.n !== undefined && request.n > 1) return 'n > 1';
  if (request.seed !== undefined) return undefined;
  if (request.temperature === 0) return undefined;
  return request.temperature === undefined
    ? 'no temperature (the provider default samples) and no seed'
    : 'temperature above 0 without a seed';
}
