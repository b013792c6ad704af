import { type CostLine, type CostSummary, InvalidRequestError, type Usage } from '@ply/core';
import type { ModelEntry, PricingTier } from '@ply/models';
import { DATA_RESIDENCY_UPLIFT, defaultCatalogue, type ModelCatalogue } from '@ply/models';

const PER_MILLION = 1_000_000;

/** Why a cost has no amount. */
export type UnpricedReason =
  /** No catalogue entry resolves from the model name. */
  | 'unknown-model'
  /** The model has no known prices at this tier (or at its long-context rates for it). */
  | 'unknown-tier'
  /** The tier is known, but a rate the usage needs is not (see `missingRates`). */
  | 'unknown-rate'
  /** Before a call: neither the request nor the catalogue bounds the output. */
  | 'unknown-max-output';

/**
 * A `CostSummary` with where it came from. The lines partition the usage: their tokens add
 * up to input plus output tokens and their amounts to `amount`, so nothing is counted twice
 * (`output` holds the visible text, `reasoning` the hidden share, both at the output rate).
 */
export interface CostBreakdown extends CostSummary {
  /** The model name as given. */
  model: string | undefined;
  /** The catalogue entry it was billed as, undefined when unknown. */
  resolvedModel: string | undefined;
  /** True when the prompt exceeded the model's long-context threshold. */
  longContext: boolean;
  /** Present when `unpriced`. */
  unpricedReason?: UnpricedReason;
  /** Line kinds the usage needs but the tier has no rate for (`unknown-rate`). */
  missingRates: string[];
  /** Date of the prices applied (the catalogue's `asOf`). */
  asOf: string;
}

export interface CalculateCostOptions {
  /**
   * The tier the response reported (`service_tier`), which may differ from the one
   * requested: `flex`, `priority`, or `default` / `auto` / undefined for standard rates.
   */
  serviceTier?: string;
  /** The call went through the Batch API: batch rates, whatever `serviceTier` says. */
  batch?: boolean;
  catalogue?: ModelCatalogue;
  /** The catalogue entry `model` resolves to, when the caller already has it. */
  entry?: ModelEntry;
  /** The call went to a regional data-residency endpoint: every rate plus 10%. */
  dataResidency?: boolean;
}

/**
 * The pricing tier of a response: `batch` for the Batch API, else its `service_tier`
 * (`auto` and `default` are standard). Undefined for a tier with no prices (`scale`).
 */
export function pricingTierFor(serviceTier?: string, batch = false): PricingTier | undefined {
  if (batch) return 'batch';
  const tier = serviceTier?.trim().toLowerCase();
  switch (tier) {
    case undefined:
    case '':
    case 'auto':
    case 'default':
    case 'standard':
      return 'default';
    case 'batch':
    case 'flex':
    case 'priority':
      return tier;
    default:
      return undefined;
  }
}

interface Base {
  model: string | undefined;
  resolvedModel: string | undefined;
  tier: string;
  estimated: boolean;
  longContext: boolean;
  asOf: string;
}

/** A breakdown with no amount: never a silent zero. */
export function unpricedCost(
  base: Base,
  reason: UnpricedReason,
  missingRates: string[] = [],
): CostBreakdown {
  return {
    ...base,
    amount: undefined,
    currency: 'USD',
    unpriced: true,
    unpricedReason: reason,
    missingRates,
    lines: [],
  };
}

/** Whether a prompt of `promptTokens` bills `entry` at its long-context rates. */
export function isLongContext(entry: ModelEntry, promptTokens: number): boolean {
  const long = entry.prices.longContext;
  return long !== undefined && promptTokens > long.aboveInputTokens;
}

const nonNegative = (tokens: number): number => Math.max(tokens, 0);

/** What `tokens` cost at `ratePerMillion`: the one formula every price here uses. */
export const lineAmount = (tokens: number, ratePerMillion: number): number =>
  (tokens * ratePerMillion) / PER_MILLION;

/** The lines of a cost as they are priced, with their sum and the rates that were missing. */
class PricedLines {
  readonly lines: CostLine[] = [];
  readonly missing: string[] = [];
  amount = 0;
  readonly #uplift: number;

  constructor(uplift: number) {
    this.#uplift = uplift;
  }

  add(kind: string, tokens: number, rate: number | undefined): void {
    if (tokens <= 0) return;
    if (rate === undefined) {
      this.missing.push(kind);
      return;
    }
    const ratePerMillion = rate * this.#uplift;
    const amount = lineAmount(tokens, ratePerMillion);
    this.lines.push({ kind, tokens, ratePerMillion, amount });
    this.amount += amount;
  }
}

/**
 * What a call cost, from the usage the provider reported. Cached input is billed at the
 * cached rate instead of the input rate; reasoning and rejected prediction tokens are part of
 * the output and billed once, at the output rate; audio tokens are billed at the audio rates
 * and taken out of the text lines; a prompt above the model's long-context threshold bills the
 * whole request at the long-context rates. An unknown model, a tier without prices, or a rate
 * the usage needs and the sources lack gives `unpriced: true` and `amount: undefined`.
 * Amounts are USD, unrounded.
 */
export function calculateCost(
  usage: Usage,
  model: string | undefined,
  options: CalculateCostOptions = {},
): CostBreakdown {
  if (typeof usage !== 'object' || usage === null) {
    throw new InvalidRequestError(`usage: must be a Usage object, got ${typeof usage}`, {
      field: 'usage',
    });
  }
  const catalogue = options.catalogue ?? defaultCatalogue;
  const entry = options.entry ?? catalogue.resolve(model);
  const pricingTier = pricingTierFor(options.serviceTier, options.batch);
  const base: Base = {
    model,
    resolvedModel: entry?.id,
    tier: pricingTier ?? options.serviceTier ?? 'default',
    estimated: usage.estimated,
    longContext: false,
    asOf: catalogue.asOf,
  };
  if (entry === undefined) return unpricedCost(base, 'unknown-model');
  if (pricingTier === undefined) return unpricedCost(base, 'unknown-tier');
  base.longContext = isLongContext(entry, usage.inputTokens);
  const rates = base.longContext
    ? entry.prices.longContext?.[pricingTier]
    : entry.prices[pricingTier];
  if (rates === undefined) return unpricedCost(base, 'unknown-tier');

  const cacheWrite = rates.cacheWrite === undefined ? 0 : usage.cacheWriteTokens;
  const priced = new PricedLines(options.dataResidency ? 1 + DATA_RESIDENCY_UPLIFT : 1);
  priced.add(
    'input',
    nonNegative(usage.inputTokens - usage.cachedInputTokens - cacheWrite - usage.inputAudioTokens),
    rates.input,
  );
  priced.add('cached-input', usage.cachedInputTokens, rates.cachedInput);
  priced.add('cache-write', cacheWrite, rates.cacheWrite);
  priced.add('audio-input', usage.inputAudioTokens, rates.audioInput);
  priced.add(
    'output',
    nonNegative(usage.outputTokens - usage.reasoningTokens - usage.outputAudioTokens),
    rates.output,
  );
  priced.add('reasoning', usage.reasoningTokens, rates.output);
  priced.add('audio-output', usage.outputAudioTokens, rates.audioOutput);
  if (priced.missing.length > 0) return unpricedCost(base, 'unknown-rate', priced.missing);

  return {
    ...base,
    amount: priced.amount,
    currency: 'USD',
    unpriced: false,
    missingRates: priced.missing,
    lines: priced.lines,
  };
}
