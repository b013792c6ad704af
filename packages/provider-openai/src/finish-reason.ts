import type { FinishReason } from '@ply/core';

const UNIFIED: Record<string, FinishReason['unified']> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
};

/** The API's finish reason, unified for comparison and kept as sent. */
export function mapFinishReason(raw: string | null | undefined): FinishReason {
  return { unified: (raw && UNIFIED[raw]) || 'other', raw: raw ?? null };
}
