import { type ChatResult, type ChatStreamEvent, isContentEvent } from '@ply/core';
import { disconnectSignal } from '../server/disconnect-signal.js';
import { readJsonBody, startEventStream } from '../server/http-io.js';
import { waitForDrain } from '../server/wait-for-drain.js';
import { CallTrace } from '../stack/call-trace.js';
import { type ChatInput, parseChatInput } from './chat-input.js';
import { errorView, writePageEvent } from './page-json.js';
import { checkStructured } from './structured-check.js';
import type { UiContext, UiRoute } from './ui-context.js';
import { unknownFieldsOf } from './unknown-fields.js';

/** How the call went, timed on the server: the page's own clock would add the network. */
export interface CallTiming {
  /** From the call's start to its first content event (streams only). */
  ttftMs?: number;
  durationMs: number;
  /** Output tokens per second of generation, after the first token for streams. */
  tokensPerSecond?: number;
}

function timingOf(
  startedAt: number,
  firstContentAt: number | undefined,
  outputTokens: number | undefined,
): CallTiming {
  const durationMs = performance.now() - startedAt;
  const timing: CallTiming = { durationMs: Math.round(durationMs) };
  if (firstContentAt !== undefined) timing.ttftMs = Math.round(firstContentAt - startedAt);
  if (outputTokens !== undefined && outputTokens > 0) {
    // Generation speed: the wait for the first token is latency, not throughput.
    const generatingMs =
      firstContentAt === undefined ? durationMs : performance.now() - firstContentAt;
    if (generatingMs > 0)
      timing.tokensPerSecond = Math.round((outputTokens / generatingMs) * 10_000) / 10;
  }
  return timing;
}

/**
 * `POST /api/chat` `{ target, request, stream? }` answers server-sent events, in order:
 * `start`; `trace` (each record of the call: requests, responses, raw chunks, retries,
 * breaker, limiter and budget decisions); `event` (each stream event, `raw` left out: the
 * chunk is in the trace); then `result` (the `ChatResult` with its validated `raw`, the
 * unknown fields, timing, the structured-output check, the circuit) or `error` (typed).
 * The page's stop button closes the connection, which aborts the call.
 */
export const chatRoute: UiRoute = async (context, request, response) => {
  const input = parseChatInput(await readJsonBody(request, context.maxBodyBytes), context.stack);
  const key = context.stack.registry.target(input.target).deployment;
  context.session.noteDeployment(key);

  const disconnect = disconnectSignal(response, 'page');
  const send = (data: unknown) => writePageEvent(response, data, context.secrets);

  startEventStream(response);
  send({ type: 'start', target: input.target, stream: input.stream, circuitKey: key });
  const trace = new CallTrace();
  trace.onRecord((record) => send({ type: 'trace', record }));

  const startedAt = performance.now();
  let firstContentAt: number | undefined;
  const onEvent = (event: ChatStreamEvent) => {
    const now = performance.now();
    if (firstContentAt === undefined && isContentEvent(event)) firstContentAt = now;
    const { raw: _raw, ...shown } = event;
    send({ type: 'event', atMs: Math.round(now - startedAt), event: shown });
    // A page that reads slowly slows the stream, as the gateway does for its clients.
    return waitForDrain(response, disconnect.signal);
  };

  try {
    // Inside `trace.run`, so the inspecting fetch and the policies find this call's trace.
    const result = await trace.run(() => call(context, input, disconnect.signal, onEvent));
    // Timed before the checks below, which are the playground's work, not the call's.
    const timing = timingOf(startedAt, firstContentAt, result.usage.outputTokens);
    send({
      type: 'result',
      result,
      unknownFields: unknownFieldsOf(result.raw, input.stream),
      structured: checkStructured(input.request, result),
      timing,
      attempts: trace.attempts,
      circuit: await circuit(context, key),
    });
  } catch (error) {
    send({
      type: 'error',
      error: errorView(error),
      timing: timingOf(startedAt, firstContentAt, undefined),
      attempts: trace.attempts,
      circuit: await circuit(context, key),
    });
  } finally {
    disconnect.release();
    response.end();
  }
};

async function call(
  context: UiContext,
  input: ChatInput,
  signal: AbortSignal,
  onEvent: (event: ChatStreamEvent) => Promise<void>,
): Promise<ChatResult> {
  const { registry } = context.stack;
  if (!input.stream) return registry.complete(input.target, input.request, { signal });
  const stream = registry.stream(input.target, input.request, { signal });
  for await (const event of stream) await onEvent(event);
  return stream.result;
}

async function circuit(context: UiContext, key: string) {
  return { key, ...(await context.stack.breaker.snapshot(key)) };
}
