import { resetError } from './connection-dropped.js';
import type { Fault } from './faults.js';
import type { LoggedRequest } from './request-log.js';
import type { Simulation } from './simulation.js';

const encoder = new TextEncoder();
const frame = (data: string) => encoder.encode(`data: ${data}\n\n`);

const STREAM_ERROR = JSON.stringify({
  error: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    param: null,
    code: null,
  },
});

/**
 * The SSE body of a stream: one `data:` frame per payload and `[DONE]` at the end, with a
 * chunk-level fault (a reset, an error event, a malformed chunk, a stall, a cut without
 * `[DONE]`) applied at its chunk. Pulled by the reader, so a slow client slows the stream.
 */
export function sseBody(
  payloads: AsyncIterable<string>,
  fault: Fault | undefined,
  simulation: Simulation,
  signal: AbortSignal,
  entry: LoggedRequest,
): ReadableStream<Uint8Array> {
  const iterator = payloads[Symbol.asyncIterator]();
  let sent = 0;
  let faultDone = false;
  entry.chunksSent = 0;
  const at = (afterChunks: number | undefined) => !faultDone && sent === (afterChunks ?? 0);
  /**
   * The end of the stream. A fault planned after more chunks than the stream had still
   * happens, here, instead of a clean `[DONE]`.
   */
  const finish = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const pending = faultDone ? undefined : fault;
    switch (pending?.kind) {
      case 'reset-after-chunks':
        throw resetError();
      case 'error-event':
        controller.enqueue(frame(STREAM_ERROR));
        controller.close();
        return;
      case 'cut-without-done':
        controller.close();
        return;
      case 'malformed-chunk':
        controller.enqueue(frame('{"id":"chatcmpl-broken","choices":[{"delta":{"content":'));
        break;
      case 'stall':
        await simulation.clock.sleep(pending.ms, signal);
        break;
    }
    controller.enqueue(frame('[DONE]'));
    controller.close();
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (fault?.kind === 'reset-after-headers' && at(0)) throw resetError();
        if (fault?.kind === 'reset-after-chunks' && at(fault.chunks)) throw resetError();
        if (fault?.kind === 'error-event' && at(fault.afterChunks)) {
          controller.enqueue(frame(STREAM_ERROR));
          controller.close();
          return;
        }
        if (fault?.kind === 'cut-without-done' && at(fault.afterChunks)) {
          controller.close();
          return;
        }
        if (fault?.kind === 'malformed-chunk' && at(fault.afterChunks)) {
          faultDone = true;
          controller.enqueue(frame('{"id":"chatcmpl-broken","choices":[{"delta":{"content":'));
          return;
        }
        if (fault?.kind === 'stall' && at(fault.afterChunks)) {
          faultDone = true;
          await simulation.clock.sleep(fault.ms, signal);
        }
        const step = await iterator.next();
        if (step.done) {
          await finish(controller);
          return;
        }
        controller.enqueue(frame(step.value));
        sent++;
        entry.chunksSent = sent;
      } catch (error) {
        controller.error(error);
        await iterator.return?.(undefined);
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
}

/** A body that fails before its first byte: headers were sent, then the connection dropped. */
export function droppedBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      controller.error(resetError());
    },
  });
}
