export { classifyRetry, type RetryClassification } from './classify-retry.js';
export { DEFAULT_RETRY_BUDGET, RetryBudget, type RetryBudgetOptions } from './retry-budget.js';
export {
  DEFAULT_RETRY_OPTIONS,
  type RetryAttemptContext,
  type RetryAttemptFn,
  type RetryExecuteOptions,
  type RetryInfo,
  type RetryJitter,
  type RetryPolicyOptions,
} from './retry-options.js';
export { RetryPolicy, withRetry } from './retry-policy.js';
