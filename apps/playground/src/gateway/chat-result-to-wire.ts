import { randomUUID } from 'node:crypto';
import type { ChatResult, ChoiceResult, FinishReason, TokenLogprob } from '@ply/core';
import type {
  ChatCompletion,
  ChatCompletionResponseMessage,
  ChatCompletionTokenLogprob,
} from '@ply/response-models';
import { usageToWire } from './usage-to-wire.js';

type WireFinishReason = ChatCompletion['choices'][number]['finish_reason'];
type WireChoiceLogprobs = ChatCompletion['choices'][number]['logprobs'];

const FROM_UNIFIED: Readonly<Record<FinishReason['unified'], WireFinishReason>> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
  error: 'stop',
  other: 'stop',
};

/** The provider's own finish reason when it gave one; otherwise the nearest OpenAI value. */
export function finishReasonToWire(reason: FinishReason): WireFinishReason {
  return (reason.raw as WireFinishReason | null) ?? FROM_UNIFIED[reason.unified];
}

function logprobsToWire(tokens: TokenLogprob[]): ChatCompletionTokenLogprob[] {
  return tokens.map((token) => ({
    token: token.token,
    logprob: token.logprob,
    bytes: token.bytes,
    top_logprobs: token.topLogprobs.map(({ token, logprob, bytes }) => ({ token, logprob, bytes })),
  }));
}

export function choiceLogprobsToWire(
  content: TokenLogprob[] | undefined,
  refusal: TokenLogprob[] | undefined,
): WireChoiceLogprobs {
  if (content === undefined && refusal === undefined) return null;
  return {
    content: content === undefined ? null : logprobsToWire(content),
    refusal: refusal === undefined ? null : logprobsToWire(refusal),
  };
}

/** A fresh completion id, for answers whose provider gave none. */
export function completionId(): string {
  return `chatcmpl-${randomUUID().replaceAll('-', '')}`;
}

function messageOf(choice: Omit<ChoiceResult, 'index'>): ChatCompletionResponseMessage {
  const hasOther = choice.toolCalls.length > 0 || choice.refusal !== undefined;
  const message: ChatCompletionResponseMessage = {
    role: 'assistant',
    // The API sends null, not "", beside tool calls or a refusal.
    content: choice.text === '' && hasOther ? null : choice.text,
    refusal: choice.refusal ?? null,
  };
  if (choice.toolCalls.length > 0) {
    message.tool_calls = choice.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  if (choice.annotations?.length) {
    message.annotations = choice.annotations.map((citation) => ({
      type: 'url_citation',
      url_citation: {
        url: citation.url,
        title: citation.title,
        start_index: citation.startIndex,
        end_index: citation.endIndex,
      },
    }));
  }
  if (choice.audio) {
    message.audio = {
      id: choice.audio.id,
      data: choice.audio.data,
      transcript: choice.audio.transcript,
      expires_at: choice.audio.expiresAt,
    };
  }
  return message;
}

/**
 * Core's `ChatResult` as an OpenAI `chat.completion`: what the upstream said about itself
 * (id, created, fingerprint, tier) is kept; the content comes from the normalised result, so
 * any provider behind the registry answers in the same shape.
 */
export function chatResultToWire(result: ChatResult, requestedModel: string): ChatCompletion {
  const { meta } = result;
  const choices = result.choices.length > 0 ? result.choices : [{ ...result, index: 0 }];
  const completion: ChatCompletion = {
    id: meta.id ?? completionId(),
    object: 'chat.completion',
    created: meta.created ?? Math.floor(Date.now() / 1000),
    model: result.model || meta.model || requestedModel,
    choices: choices.map((choice) => ({
      index: choice.index,
      message: messageOf(choice),
      logprobs: choiceLogprobsToWire(choice.logprobs, choice.refusalLogprobs),
      finish_reason: finishReasonToWire(choice.finishReason),
    })),
    usage: usageToWire(result.usage),
  };
  if (meta.systemFingerprint !== undefined) completion.system_fingerprint = meta.systemFingerprint;
  if (meta.serviceTier !== undefined) {
    completion.service_tier = meta.serviceTier as ChatCompletion['service_tier'];
  }
  return completion;
}
