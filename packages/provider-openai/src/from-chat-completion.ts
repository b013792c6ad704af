import type {
  CallWarning,
  ChatResult,
  ChoiceResult,
  ResponseMetadata,
  ToolCall,
  UrlCitation,
} from '@ply/core';
import type { ChatCompletion } from '@ply/response-models';
import { mapFinishReason } from './finish-reason.js';
import { mapLogprobs } from './logprobs.js';
import { withBodyFacts } from './response-metadata.js';
import { parseToolCall } from './tool-calls.js';
import { normaliseUsage } from './usage.js';

type Choice = ChatCompletion['choices'][number];

function toolCallsOf(message: Choice['message'], provider: string): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const call of message.tool_calls ?? []) {
    if (call.type === 'function') {
      calls.push(
        parseToolCall(
          { id: call.id, name: call.function.name, arguments: call.function.arguments },
          provider,
        ),
      );
    } else if (call.type === 'custom') {
      // Custom tools take free text, not JSON: the input is the text itself.
      calls.push({
        id: call.id,
        name: call.custom.name,
        arguments: call.custom.input,
        input: call.custom.input,
      });
    }
  }
  // The legacy `function_call` (pre-tools models) is a tool call without an id.
  const legacy = message.function_call;
  if (legacy)
    calls.push(parseToolCall({ id: '', name: legacy.name, arguments: legacy.arguments }, provider));
  return calls;
}

function citationsOf(message: Choice['message']): UrlCitation[] | undefined {
  const citations = (message.annotations ?? [])
    .filter((annotation) => annotation.type === 'url_citation')
    .map(({ url_citation: citation }) => ({
      type: 'url-citation' as const,
      url: citation.url,
      title: citation.title,
      startIndex: citation.start_index,
      endIndex: citation.end_index,
    }));
  return citations.length > 0 ? citations : undefined;
}

function choiceResult(choice: Choice, provider: string): ChoiceResult {
  // Lenient parsing keeps servers that omit or null these; read defensively.
  const message = choice.message ?? ({} as Choice['message']);
  const result: ChoiceResult = {
    index: choice.index ?? 0,
    text: message.content ?? '',
    toolCalls: toolCallsOf(message, provider),
    finishReason: mapFinishReason(choice.finish_reason),
  };
  if (message.refusal) result.refusal = message.refusal;
  const logprobs = mapLogprobs(choice.logprobs?.content);
  if (logprobs) result.logprobs = logprobs;
  const refusalLogprobs = mapLogprobs(choice.logprobs?.refusal);
  if (refusalLogprobs) result.refusalLogprobs = refusalLogprobs;
  const annotations = citationsOf(message);
  if (annotations) result.annotations = annotations;
  if (message.audio) {
    result.audio = {
      id: message.audio.id,
      data: message.audio.data,
      transcript: message.audio.transcript,
      expiresAt: message.audio.expires_at,
    };
  }
  return result;
}

/** A validated chat completion as core's `ChatResult`, the body kept as `raw`. */
export function fromChatCompletion(
  completion: ChatCompletion,
  context: { provider: string; meta: ResponseMetadata; warnings: CallWarning[] },
): ChatResult {
  const choices = (completion.choices ?? []).map((choice) =>
    choiceResult(choice, context.provider),
  );
  const first = choices[0] ?? {
    index: 0,
    text: '',
    toolCalls: [],
    finishReason: mapFinishReason(null),
  };
  // The first choice's fields, lifted one by one: a rest-spread here is a hot-path copy.
  const result: ChatResult = {
    text: first.text,
    toolCalls: first.toolCalls,
    finishReason: first.finishReason,
    choices,
    usage: normaliseUsage(completion.usage),
    model: completion.model ?? '',
    meta: withBodyFacts(context.meta, completion),
    warnings: context.warnings,
    raw: completion,
  };
  if (first.refusal !== undefined) result.refusal = first.refusal;
  if (first.logprobs !== undefined) result.logprobs = first.logprobs;
  if (first.refusalLogprobs !== undefined) result.refusalLogprobs = first.refusalLogprobs;
  if (first.annotations !== undefined) result.annotations = first.annotations;
  if (first.audio !== undefined) result.audio = first.audio;
  return result;
}
