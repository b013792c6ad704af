/** One priced line of a call's cost: input, cached input, output, audio... */
export interface CostLine {
  /** `input`, `cached-input`, `cache-write`, `output`, `reasoning` (a share of output), `audio-input`, `audio-output`. */
  kind: string;
  tokens: number;
  /** Price per million tokens. */
  ratePerMillion: number;
  amount: number;
}

/**
 * What a call cost, as a cost middleware reports it on results and on the stream's finish
 * event. A model without a price is `unpriced` with no amount: never a silent zero.
 */
export interface CostSummary {
  /** Undefined when the model has no price. */
  amount: number | undefined;
  currency: 'USD';
  unpriced: boolean;
  /** True when the usage behind it was estimated (an aborted stream, a provider that sent none). */
  estimated: boolean;
  /** The pricing tier applied, as the response reported it: `default`, `batch`, `flex`, `priority`. */
  tier: string;
  lines: CostLine[];
}
