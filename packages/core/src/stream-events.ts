import type { CostSummary } from './cost-summary.js';
import type { FinishReason, TokenLogprob, ToolCall } from './result.js';
import type { Usage } from './usage.js';

interface StreamEventBase {
  /** The provider chunk this event came from, as received. */
  raw?: unknown;
}

interface ChoiceEventBase extends StreamEventBase {
  choiceIndex: number;
}

export interface TextDeltaEvent extends ChoiceEventBase {
  type: 'text-delta';
  delta: string;
}

export interface RefusalDeltaEvent extends ChoiceEventBase {
  type: 'refusal-delta';
  delta: string;
}

/** A fragment of a tool call. `id` and `name` come with the first fragment of a call. */
export interface ToolCallDeltaEvent extends ChoiceEventBase {
  type: 'tool-call-delta';
  /** Position of the call within the choice's tool calls. */
  toolCallIndex: number;
  id?: string;
  name?: string;
  argumentsDelta: string;
}

/** Emitted once a tool call's arguments are complete and parsed. */
export interface ToolCallEvent extends ChoiceEventBase {
  type: 'tool-call';
  toolCallIndex: number;
  toolCall: ToolCall;
}

export interface LogprobsEvent extends ChoiceEventBase {
  type: 'logprobs';
  content?: TokenLogprob[];
  refusal?: TokenLogprob[];
}

export interface UsageEvent extends StreamEventBase {
  type: 'usage';
  usage: Usage;
}

export interface FinishEvent extends ChoiceEventBase {
  type: 'finish';
  finishReason: FinishReason;
}

/** Sent by a cost middleware once the stream's cost is known (after usage). */
export interface CostEvent extends StreamEventBase {
  type: 'cost';
  cost: CostSummary;
}

export type ChatStreamEvent =
  | TextDeltaEvent
  | RefusalDeltaEvent
  | ToolCallDeltaEvent
  | ToolCallEvent
  | LogprobsEvent
  | UsageEvent
  | FinishEvent
  | CostEvent;

/** Events that show output to the caller: once one is delivered, a stream is committed. */
export function isContentEvent(event: ChatStreamEvent): boolean {
  return (
    event.type === 'text-delta' ||
    event.type === 'refusal-delta' ||
    event.type === 'tool-call-delta' ||
    event.type === 'tool-call'
  );
}
