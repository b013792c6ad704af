import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { ChatRequest, ChatResult, EmbedResult, ResolvedCall } from '@ply/core';
import { inputMessages, outputMessages } from './content-capture.js';
import { GEN_AI, GENERAL, OPERATION, PLY } from './gen-ai-names.js';
import type { Instruments } from './instruments.js';
import {
  chatResultAttributes,
  embedResultAttributes,
  errorMessage,
  errorType,
} from './result-attributes.js';
import { requestAttributes, targetAttributes } from './target-attributes.js';

/** Where a call's state sits in the OpenTelemetry context, for the policies' events. */
export const CALL_STATE = createContextKey('ply.telemetry.call');

/** One logical call between its start and its end: its span and what its metrics need. */
export interface CallState {
  readonly span: Span;
  /**
   * The caller's context with the call span active and this state under `CALL_STATE`; the
   * caller's own when the span does not record.
   */
  context: Context;
  /** The metrics' dimensions. */
  readonly target: Readonly<Attributes>;
  /** When the call started (for a stream, when it was first read). */
  startedAt: number;
  /** Attempts made so far (the attempt layer counts them). */
  attempts: number;
  firstChunkAt: number | undefined;
  ended: boolean;
}

const seconds = (from: number, to = performance.now()) => (to - from) / 1000;

/** Starts a call's span. Attributes are built only when the span records. */
export function beginCall(instruments: Instruments, call: ResolvedCall): CallState {
  const operation = call.kind === 'embed' ? OPERATION.embeddings : OPERATION.chat;
  const model = call.target.model;
  const target = targetAttributes(call, operation, instruments.providerName(call));
  const active = context.active();
  const span = instruments.tracer.startSpan(model ? `${operation} ${model}` : operation, {
    kind: SpanKind.CLIENT,
  });
  if (span.isRecording()) {
    span.setAttributes(requestAttributes(call, { ...target }));
    if (instruments.captureContent && call.kind !== 'embed') {
      span.setAttribute(
        GEN_AI.inputMessages,
        inputMessages((call.request as ChatRequest).messages),
      );
    }
  }
  const state: CallState = {
    span,
    context: active,
    target,
    startedAt: performance.now(),
    attempts: 0,
    firstChunkAt: undefined,
    ended: false,
  };
  // A span that does not record needs no context: nothing will be added to it.
  if (span.isRecording()) state.context = trace.setSpan(active, span).setValue(CALL_STATE, state);
  call.shared(instruments.callKey, () => state);
  return state;
}

/** The first event of a streamed answer: time to first chunk, on the span and the metric. */
export function firstChunk(instruments: Instruments, state: CallState): void {
  if (state.firstChunkAt !== undefined) return;
  state.firstChunkAt = performance.now();
  const elapsed = seconds(state.startedAt, state.firstChunkAt);
  instruments.metrics.firstChunk(state.target, elapsed);
  if (state.span.isRecording()) state.span.setAttribute(GEN_AI.responseTimeToFirstChunk, elapsed);
}

function endSpan(state: CallState): void {
  state.ended = true;
  if (state.span.isRecording() && state.attempts > 0) {
    state.span.setAttribute(PLY.attempts, state.attempts);
  }
  state.span.end();
}

export function callSucceeded(
  instruments: Instruments,
  state: CallState,
  result: ChatResult | EmbedResult,
): void {
  if (state.ended) return;
  const chat = 'choices' in result;
  instruments.metrics.succeeded(
    state.target,
    result.meta.model ?? result.model,
    seconds(state.startedAt),
    // A cache hit used no tokens: its usage is the stored answer's.
    result.meta.cache?.hit === true ? undefined : result.usage,
  );
  if (state.span.isRecording()) {
    state.span.setAttributes(chat ? chatResultAttributes(result) : embedResultAttributes(result));
    if (chat && instruments.captureContent) {
      state.span.setAttribute(GEN_AI.outputMessages, outputMessages(result));
    }
  }
  endSpan(state);
}

export function callFailed(instruments: Instruments, state: CallState, error: unknown): void {
  if (state.ended) return;
  const type = errorType(error);
  instruments.metrics.failed(state.target, seconds(state.startedAt), type);
  if (state.span.isRecording()) {
    state.span.setAttribute(GENERAL.errorType, type);
    state.span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
  }
  endSpan(state);
}
