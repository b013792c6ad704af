import type { CostSummary } from './cost-summary.js';
import type { ResponseMetadata } from './response-metadata.js';
import type { Usage } from './usage.js';

/** A complete tool call: the raw JSON text and its parsed value. */
export interface ToolCall {
  id: string;
  name: string;
  /** The arguments exactly as the model produced them. */
  arguments: string;
  /** `arguments` parsed. */
  input: unknown;
}

/**
 * Why generation stopped. `unified` is comparable across providers; `raw` is what the
 * provider said (`tool_calls`, `content_filter`, ...), kept for whoever needs it.
 */
export interface FinishReason {
  unified: 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';
  raw: string | null;
}

export interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
}

export interface TokenLogprob extends TopLogprob {
  topLogprobs: TopLogprob[];
}

/** A citation the model attached to its text (web search results). */
export interface UrlCitation {
  type: 'url-citation';
  url: string;
  title: string;
  startIndex: number;
  endIndex: number;
}

export interface AudioOutput {
  id: string;
  /** Base64 audio bytes. */
  data: string;
  transcript: string;
  /** Unix seconds after which the audio can no longer be referenced. */
  expiresAt: number;
}

/** Something the provider did differently from what was asked, never silently. */
export interface CallWarning {
  type: 'unsupported-setting' | 'adjusted-setting' | 'other';
  /** The request field concerned, such as `temperature`. */
  setting?: string;
  message: string;
}

/** One generated alternative; `n > 1` gives several. */
export interface ChoiceResult {
  index: number;
  text: string;
  toolCalls: ToolCall[];
  refusal?: string;
  finishReason: FinishReason;
  logprobs?: TokenLogprob[];
  refusalLogprobs?: TokenLogprob[];
  annotations?: UrlCitation[];
  audio?: AudioOutput;
}

/**
 * The answer to `complete`, and the aggregate of a stream. The top-level content fields
 * mirror `choices[0]`.
 */
export interface ChatResult extends Omit<ChoiceResult, 'index'> {
  choices: ChoiceResult[];
  usage: Usage;
  /** The model that answered. */
  model: string;
  meta: ResponseMetadata;
  warnings: CallWarning[];
  /** Set by a cost middleware (`@ply/cost`): what the call cost. */
  cost?: CostSummary;
  /** The validated response body; for a stream, the array of chunks received. */
  raw: unknown;
}
