import {
  estimateChatTokens,
  estimateCost,
  tiktokenEstimator,
  type UnpricedReason,
} from '@ply/cost';
import type { Experiment } from './plan-experiments.js';

/** What a row would cost at most, worked out before anything is called. */
export interface ExperimentEstimate {
  experiment: Experiment;
  /** The prompt as OpenAI bills it (tiktoken, chat framing included). */
  promptTokens: number;
  /** False when the count is an estimate (the tokenizer is not the model's). */
  exact: boolean;
  /** The row's `max_output_tokens`, else the model's own limit; undefined when neither is known. */
  maxOutputTokens: number | undefined;
  /** Prompt plus the whole output bound at full input rates; undefined when unpriced. */
  worstCaseUsd: number | undefined;
  unpricedReason?: UnpricedReason;
}

export function estimateExperiment(experiment: Experiment): ExperimentEstimate {
  const prompt = estimateChatTokens(experiment.request);
  const cost = estimateCost(experiment.request, { estimator: tiktokenEstimator });
  return {
    experiment,
    promptTokens: prompt.tokens,
    exact: prompt.exact,
    maxOutputTokens: cost.maxOutputTokens,
    worstCaseUsd: cost.worstCase.amount,
    ...(cost.worstCase.unpricedReason === undefined
      ? {}
      : { unpricedReason: cost.worstCase.unpricedReason }),
  };
}

/** Estimates summed per `provider:model` (in first-appearance order) and in total. */
export interface EstimateTotals {
  target: string;
  rows: number;
  promptTokens: number;
  maxOutputTokens: number;
  /** Over priced rows only; undefined when none is priced. */
  worstCaseUsd: number | undefined;
  unpricedRows: number;
}

export function totalEstimates(
  estimates: readonly ExperimentEstimate[],
  target: string,
): EstimateTotals {
  const totals: EstimateTotals = {
    target,
    rows: 0,
    promptTokens: 0,
    maxOutputTokens: 0,
    worstCaseUsd: undefined,
    unpricedRows: 0,
  };
  for (const estimate of estimates) {
    totals.rows++;
    totals.promptTokens += estimate.promptTokens;
    totals.maxOutputTokens += estimate.maxOutputTokens ?? 0;
    if (estimate.worstCaseUsd === undefined) totals.unpricedRows++;
    else totals.worstCaseUsd = (totals.worstCaseUsd ?? 0) + estimate.worstCaseUsd;
  }
  return totals;
}

export function estimatesByTarget(estimates: readonly ExperimentEstimate[]): EstimateTotals[] {
  const groups = new Map<string, ExperimentEstimate[]>();
  for (const estimate of estimates) {
    const { target } = estimate.experiment;
    const group = groups.get(target) ?? [];
    group.push(estimate);
    groups.set(target, group);
  }
  return [...groups].map(([target, group]) => totalEstimates(group, target));
}
