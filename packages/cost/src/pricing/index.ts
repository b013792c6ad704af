export {
  type CalculateCostOptions,
  type CostBreakdown,
  calculateCost,
  pricingTierFor,
  type UnpricedReason,
} from './calculate-cost.js';
export { type CostEstimate, type EstimateCostOptions, estimateCost } from './estimate-cost.js';
