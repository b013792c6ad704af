import type { ChatStreamEvent, ResponseMetadata } from '@ply/core';
import type { ChatCompletionChunk } from '@ply/response-models';
import { mapFinishReason } from '../finish-reason.js';
import { mapLogprobs } from '../logprobs.js';
import { withBodyFacts } from '../response-metadata.js';
import { parseToolCall } from '../tool-calls.js';
import { normaliseUsage } from '../usage.js';

interface PendingCall {
  choiceIndex: number;
  toolCallIndex: number;
  id: string;
  name: string;
  arguments: string;
  custom: boolean;
}

/**
 * Turns validated chunks into core stream events, in order: text and refusal deltas,
 * tool-call fragments (assembled here), a `tool-call` once a call's arguments are complete
 * and parsed, logprobs, finish, usage. Every event carries the chunk it came from.
 */
export class ChunkTranslator {
  readonly #provider: string;
  readonly #calls = new Map<string, PendingCall>();
  #facts: ResponseMetadata = {};

  constructor(provider: string) {
    this.#provider = provider;
  }

  /** Response id, model, fingerprint and tier, as the chunks reported them. */
  metadata(headers: ResponseMetadata): ResponseMetadata {
    return { ...headers, ...this.#facts };
  }

  translate(chunk: ChatCompletionChunk): ChatStreamEvent[] {
    this.#facts = withBodyFacts(this.#facts, chunk);
    const events: ChatStreamEvent[] = [];
    for (const choice of chunk.choices ?? []) {
      const choiceIndex = choice.index ?? 0;
      const delta = choice.delta ?? {};
      if (delta.content)
        events.push({ type: 'text-delta', delta: delta.content, choiceIndex, raw: chunk });
      if (delta.refusal)
        events.push({ type: 'refusal-delta', delta: delta.refusal, choiceIndex, raw: chunk });
      for (const fragment of delta.tool_calls ?? []) {
        const toolCallIndex = fragment.index ?? 0;
        const argumentsDelta = fragment.function?.arguments ?? fragment.custom?.input ?? '';
        const name = fragment.function?.name ?? fragment.custom?.name;
        this.#accumulate(
          choiceIndex,
          toolCallIndex,
          fragment.id ?? undefined,
          name ?? undefined,
          argumentsDelta,
          fragment.type === 'custom',
        );
        events.push({
          type: 'tool-call-delta',
          choiceIndex,
          toolCallIndex,
          argumentsDelta,
          ...(fragment.id ? { id: fragment.id } : {}),
          ...(name ? { name } : {}),
          raw: chunk,
        });
      }
      if (delta.function_call) {
        // The legacy function call of pre-tools models: one unnamed-id call at index 0.
        const argumentsDelta = delta.function_call.arguments ?? '';
        this.#accumulate(
          choiceIndex,
          0,
          undefined,
          delta.function_call.name ?? undefined,
          argumentsDelta,
          false,
        );
        events.push({
          type: 'tool-call-delta',
          choiceIndex,
          toolCallIndex: 0,
          argumentsDelta,
          ...(delta.function_call.name ? { name: delta.function_call.name } : {}),
          raw: chunk,
        });
      }
      const content = mapLogprobs(choice.logprobs?.content);
      const refusal = mapLogprobs(choice.logprobs?.refusal);
      if (content || refusal) {
        events.push({
          type: 'logprobs',
          choiceIndex,
          ...(content ? { content } : {}),
          ...(refusal ? { refusal } : {}),
          raw: chunk,
        });
      }
      if (choice.finish_reason) {
        events.push(...this.#completeCalls(choiceIndex, chunk));
        events.push({
          type: 'finish',
          choiceIndex,
          finishReason: mapFinishReason(choice.finish_reason),
          raw: chunk,
        });
      }
    }
    if (chunk.usage) events.push({ type: 'usage', usage: normaliseUsage(chunk.usage), raw: chunk });
    return events;
  }

  #accumulate(
    choiceIndex: number,
    toolCallIndex: number,
    id: string | undefined,
    name: string | undefined,
    argumentsDelta: string,
    custom: boolean,
  ): void {
    const key = `${choiceIndex}:${toolCallIndex}`;
    const call = this.#calls.get(key) ?? {
      choiceIndex,
      toolCallIndex,
      id: '',
      name: '',
      arguments: '',
      custom,
    };
    if (id) call.id = id;
    if (name) call.name += name;
    call.arguments += argumentsDelta;
    this.#calls.set(key, call);
  }

  #completeCalls(choiceIndex: number, chunk: ChatCompletionChunk): ChatStreamEvent[] {
    const events: ChatStreamEvent[] = [];
    for (const [key, call] of [...this.#calls].sort(
      ([, a], [, b]) => a.toolCallIndex - b.toolCallIndex,
    )) {
      if (call.choiceIndex !== choiceIndex) continue;
      this.#calls.delete(key);
      const toolCall = call.custom
        ? { id: call.id, name: call.name, arguments: call.arguments, input: call.arguments }
        : parseToolCall(call, this.#provider);
      events.push({
        type: 'tool-call',
        choiceIndex,
        toolCallIndex: call.toolCallIndex,
        toolCall,
        raw: chunk,
      });
    }
    return events;
  }
}
