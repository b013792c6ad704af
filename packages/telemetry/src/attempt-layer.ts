import {
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { ChatResult, EmbedResult, Middleware, ResolvedCall } from '@ply/core';
import type { CallState } from './call-state.js';
import { GEN_AI, GENERAL, PLY } from './gen-ai-names.js';
import type { Instruments } from './instruments.js';
import { errorMessage, errorType } from './result-attributes.js';
import { serverAttributes } from './target-attributes.js';

interface Attempt {
  span: Span;
  context: Context;
}

/**
 * A child of the call span for one attempt. It carries what identifies the attempt (its
 * number, provider, model, server, response id, error type) but neither the operation name
 * nor the usage: tools that sum GenAI spans count a call once, from the call span.
 */
function beginAttempt(instruments: Instruments, call: ResolvedCall): Attempt | undefined {
  const state = call.shared<CallState | undefined>(instruments.callKey, () => undefined);
  // The call's span does not record: neither would its attempts'.
  if (state !== undefined && !state.span.isRecording()) return undefined;
  const number = state ? ++state.attempts : undefined;
  const parent = state?.context ?? context.active();
  const span = instruments.tracer.startSpan(
    number === undefined ? 'attempt' : `attempt ${number}`,
    { kind: SpanKind.INTERNAL },
    parent,
  );
  if (span.isRecording()) {
    span.setAttributes(serverAttributes(call.target.endpoint));
    span.setAttribute(GEN_AI.providerName, instruments.providerName(call));
    if (call.target.model !== undefined) span.setAttribute(GEN_AI.requestModel, call.target.model);
    if (number !== undefined) span.setAttribute(PLY.attempt, number);
  }
  if (!span.isRecording()) return undefined;
  return { span, context: trace.setSpan(parent, span) };
}

function attemptSucceeded(attempt: Attempt, result: ChatResult | EmbedResult): void {
  const { span } = attempt;
  if (span.isRecording()) {
    const model = result.meta.model ?? result.model;
    if (model) span.setAttribute(GEN_AI.responseModel, model);
    if (result.meta.id) span.setAttribute(GEN_AI.responseId, result.meta.id);
  }
  span.end();
}

function attemptFailed(attempt: Attempt, error: unknown): void {
  const { span } = attempt;
  if (span.isRecording()) {
    span.setAttribute(GENERAL.errorType, errorType(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
  }
  span.end();
}

function settle<T extends ChatResult | EmbedResult>(
  attempt: Attempt | undefined,
  run: () => Promise<T>,
): Promise<T> {
  if (attempt === undefined) return run();
  let pending: Promise<T>;
  try {
    pending = context.with(attempt.context, run);
  } catch (error) {
    pending = Promise.reject(error);
  }
  return pending.then(
    (result) => {
      attemptSucceeded(attempt, result);
      return result;
    },
    (error: unknown) => {
      attemptFailed(attempt, error);
      throw error;
    },
  );
}

/**
 * The innermost layer: a span per attempt, the child of its call's span. Below a retry, a
 * fallback, a breaker and a limiter, it sees each request the provider is asked to make.
 */
export function attemptLayer(instruments: Instruments): Middleware {
  return {
    name: 'telemetry-attempt',
    complete: ({ call, next }) => settle(beginAttempt(instruments, call), next),
    embed: ({ call, next }) => settle(beginAttempt(instruments, call), next),
    stream({ call, next }) {
      const attempt = beginAttempt(instruments, call);
      if (attempt === undefined) return next();
      let stream: ReturnType<typeof next>;
      try {
        stream = context.with(attempt.context, next);
      } catch (error) {
        attemptFailed(attempt, error);
        throw error;
      }
      return stream.observe({
        result: (result) => {
          attemptSucceeded(attempt, result);
          return undefined;
        },
        error: (error) => attemptFailed(attempt, error),
      });
    },
  };
}
