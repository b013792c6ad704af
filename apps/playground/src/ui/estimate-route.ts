import { settle } from '@ply/core';
import { estimateChatTokens, estimateCost, tiktokenEstimator } from '@ply/cost';
import { defaultCatalogue } from '@ply/models';
import { readJsonBody } from '../server/http-io.js';
import { parseChatInput } from './chat-input.js';
import { sendPageJson } from './page-json.js';
import type { UiContext, UiRoute } from './ui-context.js';

interface ModelLimits {
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Where the limits came from: the cost catalogue, or the provider's model listing. */
  source?: 'catalogue' | 'provider';
}

/**
 * `POST /api/estimate` `{ target, request }`: what the call will cost before it is sent.
 * The prompt counted with tiktoken and OpenAI's chat framing (exact for text, estimated
 * for tools and schemas), the context window it must fit in, and the worst case: the
 * prompt plus the whole output bound, at the requested tier.
 */
export const estimateRoute: UiRoute = async (context, request, response) => {
  const input = parseChatInput(await readJsonBody(request, context.maxBodyBytes), context.stack);
  const prompt = estimateChatTokens(input.request);
  const limits = await modelLimits(context, input.providerId, input.model);
  const maxOutputTokens = input.request.maxOutputTokens ?? limits.maxOutputTokens;
  const cost = estimateCost(input.request, { estimator: tiktokenEstimator });
  const needed = maxOutputTokens === undefined ? prompt.tokens : prompt.tokens + maxOutputTokens;
  sendPageJson(
    response,
    200,
    {
      target: input.target,
      model: input.model,
      promptTokens: prompt.tokens,
      exact: prompt.exact,
      encoding: prompt.encoding,
      breakdown: {
        messages: prompt.breakdown.messages.reduce((sum, message) => sum + message.tokens, 0),
        tools: prompt.breakdown.tools,
        responseFormat: prompt.breakdown.responseFormat,
        images: prompt.breakdown.images,
        framing: prompt.breakdown.framing,
      },
      maxOutputTokens,
      contextWindow: limits.contextWindow,
      limitsSource: limits.source,
      /** Prompt plus the output bound, as a share of the window. */
      windowShare: limits.contextWindow === undefined ? undefined : needed / limits.contextWindow,
      fits: limits.contextWindow === undefined ? undefined : needed <= limits.contextWindow,
      worstCase: {
        amount: cost.worstCase.amount,
        unpriced: cost.worstCase.unpriced,
        unpricedReason: cost.worstCase.unpricedReason,
        tier: cost.worstCase.tier,
        resolvedModel: cost.worstCase.resolvedModel,
        lines: cost.worstCase.lines,
        asOf: cost.worstCase.asOf,
      },
    },
    context.secrets,
  );
};

/** The catalogue knows OpenAI's models; simulator and other models come from the provider. */
async function modelLimits(
  context: UiContext,
  providerId: string,
  model: string,
): Promise<ModelLimits> {
  const entry = defaultCatalogue.resolve(model);
  if (entry?.contextWindow !== undefined) {
    return {
      contextWindow: entry.contextWindow,
      ...(entry.maxOutputTokens === undefined ? {} : { maxOutputTokens: entry.maxOutputTokens }),
      source: 'catalogue',
    };
  }
  const info = await settle(
    context.stack.registry.get(providerId).getModel(model, { timeout: 5_000 }),
  );
  if (!info.ok || info.value.contextWindow === undefined) return {};
  return {
    contextWindow: info.value.contextWindow,
    ...(info.value.maxOutputTokens === undefined
      ? {}
      : { maxOutputTokens: info.value.maxOutputTokens }),
    source: 'provider',
  };
}
