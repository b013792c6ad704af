import {
  approximateTokenEstimator,
  type ChatRequest,
  createUsage,
  type TokenEstimate,
  type TokenEstimator,
} from '@ply/core';
import { defaultCatalogue, type ModelCatalogue, type ModelEntry } from '@ply/models';
import {
  type CostBreakdown,
  calculateCost,
  isLongContext,
  lineAmount,
  pricingTierFor,
  unpricedCost,
} from './calculate-cost.js';

export interface EstimateCostOptions {
  /** Counts the prompt; core's `approximateTokenEstimator` when omitted. */
  estimator?: TokenEstimator;
  catalogue?: ModelCatalogue;
  /** The tier to price at; the request's `serviceTier` when omitted. */
  serviceTier?: string;
  /** The request goes through the Batch API. */
  batch?: boolean;
  /** The request goes to a regional data-residency endpoint (+10%). */
  dataResidency?: boolean;
  /** The model when the request names none (the provider's default). */
  model?: string;
  /** The prompt already counted (for this model), so it is not counted again. */
  prompt?: TokenEstimate;
  /** The catalogue entry the model resolves to, when the caller already has it. */
  entry?: ModelEntry;
}

export interface CostEstimate {
  model: string | undefined;
  /** The prompt as the estimator counts it. */
  promptTokens: number;
  /**
   * The most output the call can bill: `maxOutputTokens` of the request, else the model's,
   * times the number of choices `n`. Undefined when neither bounds it.
   */
  maxOutputTokens: number | undefined;
  /** Whether the prompt count is what the provider will bill (the estimator's word). */
  exact: boolean;
  /** The prompt at full input rates (nothing cached) plus the whole output bound. */
  worstCase: CostBreakdown;
}

/**
 * The most a chat call can cost, before it is made: the estimated prompt plus the worst-case
 * output, priced at the requested tier (long-context rates when the prompt is above the
 * threshold). Unpriced when the model, tier or output bound is unknown.
 */
export function estimateCost(
  request: ChatRequest,
  options: EstimateCostOptions = {},
): CostEstimate {
  const catalogue = options.catalogue ?? defaultCatalogue;
  const model = request.model ?? options.model;
  const estimator = options.estimator ?? approximateTokenEstimator;
  const prompt =
    options.prompt ??
    estimator.estimateChat(
      request.model === undefined && model !== undefined ? { ...request, model } : request,
    );
  const entry = options.entry ?? catalogue.resolve(model);
  const perChoice = request.maxOutputTokens ?? entry?.maxOutputTokens;
  const maxOutputTokens = perChoice === undefined ? undefined : perChoice * (request.n ?? 1);
  const serviceTier = options.serviceTier ?? request.serviceTier;

  const estimate = { model, promptTokens: prompt.tokens, maxOutputTokens, exact: prompt.exact };
  if (entry !== undefined && maxOutputTokens === undefined) {
    const tier = pricingTierFor(serviceTier, options.batch) ?? serviceTier ?? 'default';
    return {
      ...estimate,
      worstCase: unpricedCost(
        {
          model,
          resolvedModel: entry.id,
          tier,
          estimated: true,
          longContext: false,
          asOf: catalogue.asOf,
        },
        'unknown-max-output',
      ),
    };
  }

  const usage = createUsage({
    inputTokens: prompt.tokens,
    outputTokens: maxOutputTokens ?? 0,
    estimated: true,
  });
  const worstCase = calculateCost(usage, model, {
    catalogue,
    ...(entry ? { entry } : {}),
    serviceTier,
    batch: options.batch,
    dataResidency: options.dataResidency,
  });
  return { ...estimate, worstCase };
}

/**
 * `estimateCost(request, { entry, prompt }).worstCase.amount`, without building the
 * estimate: what a budget reserves before every call. Undefined when that is unpriced.
 */
export function worstCaseAmount(
  request: ChatRequest,
  entry: ModelEntry | undefined,
  promptTokens: number,
): number | undefined {
  const perChoice = request.maxOutputTokens ?? entry?.maxOutputTokens;
  const tier = pricingTierFor(request.serviceTier);
  if (entry === undefined || perChoice === undefined || tier === undefined) return undefined;
  const outputTokens = perChoice * (request.n ?? 1);
  const rates = isLongContext(entry, promptTokens)
    ? entry.prices.longContext?.[tier]
    : entry.prices[tier];
  if (rates === undefined) return undefined;
  let amount = 0;
  if (promptTokens > 0) {
    if (rates.input === undefined) return undefined;
    amount += lineAmount(promptTokens, rates.input);
  }
  if (outputTokens > 0) {
    if (rates.output === undefined) return undefined;
    amount += lineAmount(outputTokens, rates.output);
  }
  return amount;
}
