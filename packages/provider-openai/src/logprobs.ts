import type { TokenLogprob } from '@ply/core';
import type { ChatCompletionTokenLogprob } from '@ply/response-models';

/** The API's token logprobs in core's shape. */
export function mapLogprobs(
  entries: ChatCompletionTokenLogprob[] | null | undefined,
): TokenLogprob[] | undefined {
  if (!entries) return undefined;
  return entries.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: entry.bytes ?? null,
    topLogprobs: (entry.top_logprobs ?? []).map((top) => ({
      token: top.token,
      logprob: top.logprob,
      bytes: top.bytes ?? null,
    })),
  }));
}
