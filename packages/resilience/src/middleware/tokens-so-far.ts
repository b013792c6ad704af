import type { ChatRequest, PartialOutput, TokenEstimate, TokenEstimator } from '@ply/core';

/**
 * What a stream that stopped early has used, as far as the caller can tell: its prompt and
 * the output that reached it (counted with the limiter's estimator), plus, for `n` > 1, the
 * whole reservation of the choices it never saw (only the first choice is kept). Never more
 * than the reservation: a guess does not charge beyond what was reserved, and the server's
 * `x-ratelimit-*` headers correct what it missed (reasoning, say) on the next answer.
 */
export function tokensSoFar(
  estimator: TokenEstimator,
  request: ChatRequest,
  prompt: TokenEstimate,
  reservedTokens: number,
  partial: PartialOutput,
): number {
  let text = partial.text + partial.refusal;
  for (const call of partial.toolCalls) text += (call.name ?? '') + call.arguments;
  const output = text === '' ? 0 : estimator.countText(text, request.model).tokens;
  const choices = request.n ?? 1;
  const unseen = ((reservedTokens - prompt.tokens) * (choices - 1)) / choices;
  return Math.min(reservedTokens, prompt.tokens + output + Math.ceil(unseen));
}
