/** Free-form tags a middleware can act on: budgets by user or project, priorities, labels. */
export interface CallMetadata {
  user?: string;
  project?: string;
  /** Budget scope to charge, such as `team:search`. */
  budgetScope?: string;
  /** Higher goes first when a rate limiter queues calls. */
  priority?: number;
  tags?: string[];
  [key: string]: unknown;
}

/** Accepted by every provider method. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Milliseconds for the whole call, stream included. */
  timeout?: number;
  /** Extra HTTP headers for this call. */
  headers?: Record<string, string>;
  metadata?: CallMetadata;
}
