import type {
  CallOptions,
  CallWarning,
  ChatRequest,
  ChatResult,
  EmbedRequest,
  EmbedResult,
  PlyError,
  Usage,
} from '@ply/core';

/** One chat request of a batch, named by an id of the caller's choosing. */
export interface BatchChatRequest {
  customId: string;
  chat: ChatRequest;
}

/** One embeddings request of a batch, named by an id of the caller's choosing. */
export interface BatchEmbedRequest {
  customId: string;
  embed: EmbedRequest;
}

/** A request of a batch. A batch holds one kind: all chat or all embeddings. */
export type BatchRequest = BatchChatRequest | BatchEmbedRequest;

/** What a batch runs: chat completions or embeddings. */
export type BatchKind = 'chat' | 'embed';

/** The API's batch statuses. */
export type BatchStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

/** Statuses a batch never leaves. */
export const TERMINAL_BATCH_STATUSES: readonly BatchStatus[] = [
  'completed',
  'failed',
  'expired',
  'cancelled',
];

export interface BatchRequestCounts {
  total: number;
  completed: number;
  failed: number;
}

/** A problem the API found with the batch as a whole (a bad input line, most often). */
export interface BatchProblem {
  code?: string;
  message?: string;
  param?: string;
  /** 1-based line of the input file. */
  line?: number;
}

/** A batch as the API last reported it. Times are Unix seconds, as the API gives them. */
export interface BatchInfo {
  id: string;
  status: BatchStatus;
  /** True when the status is final (completed, failed, expired, cancelled). */
  done: boolean;
  /** `chat` or `embed` for the endpoints ply submits; undefined for any other. */
  kind: BatchKind | undefined;
  endpoint: string;
  inputFileId: string;
  /** Lines of the requests that succeeded; absent until the batch ends (or none did). */
  outputFileId?: string;
  /** Lines of the requests that failed; absent until the batch ends (or none did). */
  errorFileId?: string;
  requestCounts: BatchRequestCounts;
  errors: BatchProblem[];
  createdAt: number;
  inProgressAt?: number;
  completedAt?: number;
  failedAt?: number;
  expiredAt?: number;
  cancelledAt?: number;
  /** When the completion window closes. */
  expiresAt?: number;
  metadata?: Record<string, string>;
  /** Tokens of the whole batch, where the server reports them. */
  usage?: Usage;
  /** The batch object as received. */
  raw: unknown;
}

/** A submitted batch, with what the request mapping changed for each request. */
export interface SubmittedBatch extends BatchInfo {
  /** Warnings of the request mapping (settings dropped or adjusted), by custom id. */
  warnings: Map<string, CallWarning[]>;
}

export interface SubmitBatchOptions extends Pick<CallOptions, 'signal' | 'timeout' | 'headers'> {
  /** Up to 16 string pairs stored with the batch (keys to 64 characters, values to 512). */
  metadata?: Record<string, string>;
}

export interface WaitForBatchOptions {
  /** The first pause between polls (default 1,000 ms). */
  pollIntervalMs?: number;
  /** The longest pause between polls (default 30,000 ms); pauses grow by half each poll. */
  maxPollIntervalMs?: number;
  signal?: AbortSignal;
  /** Gives up with a `TimeoutError` after this long on the provider's clock. */
  timeoutMs?: number;
  /** Extra HTTP headers for each poll. */
  headers?: Record<string, string>;
  /** Called with each status read, the last one included. */
  onPoll?: (info: BatchInfo) => void;
}

/** The outcome of one request of a batch. */
export type BatchItemResult =
  | { ok: true; kind: 'chat'; result: ChatResult }
  | { ok: true; kind: 'embed'; result: EmbedResult }
  | { ok: false; error: PlyError };

/** Outcomes by custom id. Requests the server never ran appear only if it reported them. */
export type BatchResults = Map<string, BatchItemResult>;
