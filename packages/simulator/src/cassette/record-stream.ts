import type { RecordedChunk } from './cassette.js';

/** Where a recorded body goes, filled in while the caller reads. */
export interface BodyRecord {
  chunks: RecordedChunk[];
  error?: string;
}

/**
 * Passes `body` through to the caller unchanged, noting each chunk's text and the time since
 * the previous one. A pass-through rather than a tee: the caller reads each chunk as it
 * arrives, at its own pace (a slow reader still slows the server), and cancelling cancels
 * the response. The timing is therefore the caller's reads, which for a reader that keeps up
 * is the arrival of the bytes.
 */
export function recordStream(
  body: ReadableStream<Uint8Array>,
  record: BodyRecord,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  // Streaming decode: a character split between chunks lands whole in the later one.
  const decoder = new TextDecoder();
  let last = performance.now();
  const note = (data: string) => {
    if (data === '') return;
    const now = performance.now();
    record.chunks.push({ data, delayMs: Math.round(now - last) });
    last = now;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let step: Awaited<ReturnType<typeof reader.read>>;
        try {
          step = await reader.read();
        } catch (error) {
          note(decoder.decode());
          record.error = error instanceof Error ? error.message : String(error);
          controller.error(error);
          return;
        }
        if (step.done) {
          note(decoder.decode());
          controller.close();
          return;
        }
        note(decoder.decode(step.value, { stream: true }));
        controller.enqueue(step.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    // Read only when the caller reads, so the caller's pace reaches the server.
    { highWaterMark: 0 },
  );
}
