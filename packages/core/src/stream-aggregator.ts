import type { CostSummary } from './cost-summary.js';
import { ToolArgumentsError } from './errors/api-errors.js';
import type { PartialOutput, PartialToolCall } from './partial-output.js';
import type { ResponseMetadata } from './response-metadata.js';
import type {
  CallWarning,
  ChatResult,
  ChoiceResult,
  FinishReason,
  TokenLogprob,
  ToolCall,
} from './result.js';
import type { ChatStreamEvent } from './stream-events.js';
import { createUsage, type Usage } from './usage.js';

/** What a stream source reports once its events are done. */
export interface ChatStreamCompletion {
  model?: string;
  meta?: ResponseMetadata;
  warnings?: CallWarning[];
  /** The raw body; the chunks collected from the events when absent. */
  raw?: unknown;
  /** A finished result (from a stream this one forwards), used as it is. */
  result?: ChatResult;
}

interface ChoiceState {
  text: string;
  refusal: string;
  partialCalls: Map<number, PartialToolCall>;
  completeCalls: Map<number, ToolCall>;
  finishReason?: FinishReason;
  logprobs?: TokenLogprob[];
  refusalLogprobs?: TokenLogprob[];
}

function parseToolArguments(call: PartialToolCall): ToolCall {
  const id = call.id ?? '';
  const name = call.name ?? '';
  try {
    const input: unknown = call.arguments === '' ? {} : JSON.parse(call.arguments);
    return { id, name, arguments: call.arguments, input };
  } catch (cause) {
    throw new ToolArgumentsError(`Tool call ${name} has arguments that are not valid JSON`, {
      toolName: name,
      toolCallId: id,
      rawArguments: call.arguments,
      cause,
    });
  }
}

/** Folds stream events into the `ChatResult` a non-streaming call would have returned. */
export class StreamAggregator {
  readonly #choices = new Map<number, ChoiceState>();
  readonly #rawChunks: unknown[] = [];
  #usage: Usage | undefined;
  #cost: CostSummary | undefined;
  #eventCount = 0;

  #choice(index: number): ChoiceState {
    let state = this.#choices.get(index);
    if (!state) {
      state = { text: '', refusal: '', partialCalls: new Map(), completeCalls: new Map() };
      this.#choices.set(index, state);
    }
    return state;
  }

  add(event: ChatStreamEvent): void {
    this.#eventCount++;
    if (event.raw !== undefined && this.#rawChunks.at(-1) !== event.raw) {
      this.#rawChunks.push(event.raw);
    }
    if (event.type === 'usage') {
      this.#usage = event.usage;
      return;
    }
    if (event.type === 'cost') {
      this.#cost = event.cost;
      return;
    }
    const choice = this.#choice(event.choiceIndex);
    switch (event.type) {
      case 'text-delta':
        choice.text += event.delta;
        break;
      case 'refusal-delta':
        choice.refusal += event.delta;
        break;
      case 'tool-call-delta': {
        const call = choice.partialCalls.get(event.toolCallIndex) ?? {
          toolCallIndex: event.toolCallIndex,
          arguments: '',
        };
        if (event.id !== undefined) call.id = event.id;
        if (event.name !== undefined) call.name = (call.name ?? '') + event.name;
        call.arguments += event.argumentsDelta;
        choice.partialCalls.set(event.toolCallIndex, call);
        break;
      }
      case 'tool-call':
        choice.completeCalls.set(event.toolCallIndex, event.toolCall);
        break;
      case 'logprobs':
        if (event.content) choice.logprobs = [...(choice.logprobs ?? []), ...event.content];
        if (event.refusal) {
          choice.refusalLogprobs = [...(choice.refusalLogprobs ?? []), ...event.refusal];
        }
        break;
      case 'finish':
        choice.finishReason = event.finishReason;
        break;
    }
  }

  /** The first choice as far as it arrived: what an interrupted stream hands back. */
  partial(): PartialOutput {
    const choice = this.#choices.get(0);
    if (!choice) return { text: '', refusal: '', toolCalls: [], eventCount: this.#eventCount };
    const toolCalls = new Map(choice.partialCalls);
    for (const [index, call] of choice.completeCalls) {
      toolCalls.set(index, {
        toolCallIndex: index,
        id: call.id,
        name: call.name,
        arguments: call.arguments,
      });
    }
    return {
      text: choice.text,
      refusal: choice.refusal,
      toolCalls: [...toolCalls.values()].sort((a, b) => a.toolCallIndex - b.toolCallIndex),
      eventCount: this.#eventCount,
    };
  }

  #choiceResult(index: number, state: ChoiceState): ChoiceResult {
    const calls = new Map(state.completeCalls);
    for (const [callIndex, partial] of state.partialCalls) {
      if (!calls.has(callIndex)) calls.set(callIndex, parseToolArguments(partial));
    }
    const result: ChoiceResult = {
      index,
      text: state.text,
      toolCalls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call),
      finishReason: state.finishReason ?? { unified: 'other', raw: null },
    };
    if (state.refusal !== '') result.refusal = state.refusal;
    if (state.logprobs) result.logprobs = state.logprobs;
    if (state.refusalLogprobs) result.refusalLogprobs = state.refusalLogprobs;
    return result;
  }

  finish(completion: ChatStreamCompletion = {}): ChatResult {
    if (!this.#choices.has(0)) this.#choice(0);
    const choices = [...this.#choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, state]) => this.#choiceResult(index, state));
    const [first] = choices as [ChoiceResult, ...ChoiceResult[]];
    const { index: _index, ...firstContent } = first;
    const meta = completion.meta ?? {};
    const result: ChatResult = {
      ...firstContent,
      choices,
      // No usage reported: zeros, flagged so a cost layer knows to estimate.
      usage: this.#usage ?? createUsage({ estimated: true }),
      model: completion.model ?? meta.model ?? '',
      meta,
      warnings: completion.warnings ?? [],
      raw: completion.raw ?? this.#rawChunks,
    };
    if (this.#cost) result.cost = this.#cost;
    return result;
  }
}
