import { PlyError, type PlyErrorOptions } from '@ply/core';

export interface BudgetDataLostErrorOptions extends PlyErrorOptions {
  /** The key whose disappearance (or replacement) showed the loss. */
  marker: string;
}

/**
 * The budget store's data was lost (a Redis restarted without persistence, flushed, or
 * evicting keys): the spending it held is gone, so granting from what is left would hand
 * out a fresh limit. Refused until an operator accepts the loss; not retryable.
 */
export class BudgetDataLostError extends PlyError {
  static override readonly code: string = 'budget_data_lost';
  declare readonly code: 'budget_data_lost';
  readonly marker: string;

  constructor(message: string, options: BudgetDataLostErrorOptions) {
    super(message, options);
    this.marker = options.marker;
  }
}
