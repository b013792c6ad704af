import { createUsage } from '@ply/core';
import { parseBatch } from '@ply/response-models';
import type { BatchInfo, BatchKind, BatchProblem, BatchStatus } from './batch-types.js';
import { TERMINAL_BATCH_STATUSES } from './batch-types.js';

/** The endpoint of each kind of batch ply submits. */
export const BATCH_ENDPOINTS = {
  chat: '/v1/chat/completions',
  embed: '/v1/embeddings',
} as const satisfies Record<BatchKind, string>;

export function kindOfEndpoint(endpoint: string | null | undefined): BatchKind | undefined {
  if (endpoint === BATCH_ENDPOINTS.chat) return 'chat';
  if (endpoint === BATCH_ENDPOINTS.embed) return 'embed';
  return undefined;
}

export function isTerminal(status: string): boolean {
  return TERMINAL_BATCH_STATUSES.includes(status as BatchStatus);
}

const set = <K extends keyof BatchInfo>(info: BatchInfo, key: K, value: BatchInfo[K] | null) => {
  if (value !== undefined && value !== null) info[key] = value;
};

/**
 * A batch object, validated (leniently: servers leave out or null what they lack), as
 * `BatchInfo`. Throws `ResponseParseError` when it does not parse.
 */
export function toBatchInfo(value: unknown): BatchInfo {
  const batch = parseBatch(value);
  const counts = batch.request_counts;
  const errors: BatchProblem[] = (batch.errors?.data ?? []).map((problem) => {
    const entry: BatchProblem = {};
    if (problem.code != null) entry.code = problem.code;
    if (problem.message != null) entry.message = problem.message;
    if (problem.param != null) entry.param = problem.param;
    if (problem.line != null) entry.line = problem.line;
    return entry;
  });
  const info: BatchInfo = {
    id: batch.id,
    status: batch.status,
    done: isTerminal(batch.status),
    kind: kindOfEndpoint(batch.endpoint),
    endpoint: batch.endpoint,
    inputFileId: batch.input_file_id,
    requestCounts: {
      total: counts?.total ?? 0,
      completed: counts?.completed ?? 0,
      failed: counts?.failed ?? 0,
    },
    errors,
    createdAt: batch.created_at,
    raw: value,
  };
  set(info, 'outputFileId', batch.output_file_id);
  set(info, 'errorFileId', batch.error_file_id);
  set(info, 'inProgressAt', batch.in_progress_at);
  set(info, 'completedAt', batch.completed_at);
  set(info, 'failedAt', batch.failed_at);
  set(info, 'expiredAt', batch.expired_at);
  set(info, 'cancelledAt', batch.cancelled_at);
  set(info, 'expiresAt', batch.expires_at);
  if (batch.metadata) info.metadata = { ...batch.metadata } as Record<string, string>;
  const usage = batch.usage;
  if (usage) {
    info.usage = createUsage({
      inputTokens: usage.input_tokens ?? 0,
      cachedInputTokens: usage.input_tokens_details?.cached_tokens ?? 0,
      outputTokens: usage.output_tokens ?? 0,
      reasoningTokens: usage.output_tokens_details?.reasoning_tokens ?? 0,
      totalTokens: usage.total_tokens ?? (usage.input_tokens ?? 0) + (usage.output_tokens ?? 0),
      raw: usage,
    });
  }
  return info;
}
