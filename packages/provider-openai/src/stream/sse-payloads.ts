import { TimeoutError } from '@ply/core';
import { createParser } from 'eventsource-parser';

export interface StreamTimeouts {
  /** From the response headers to the first content (text, refusal or tool call). */
  firstTokenMs?: number;
  /** Between two events once content flows. */
  idleMs?: number;
}

/** The limit on the next read: the caller knows whether content has started. */
export type ReadLimit = { ms: number | undefined; phase: 'first-token' | 'idle' };

async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limitMs: number | undefined,
  phase: 'first-token' | 'idle',
  provider: string,
): ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> {
  if (limitMs === undefined) return reader.read();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const wait = phase === 'first-token' ? 'for the first event' : 'between events';
      reject(
        new TimeoutError(`${provider} sent nothing for ${limitMs} ms ${wait}`, {
          provider,
          timeoutMs: limitMs,
          phase,
        }),
      );
    }, limitMs);
  });
  try {
    return await Promise.race([reader.read(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `data:` payloads of an SSE body, parsed with eventsource-parser as bytes arrive.
 * Fails with a typed timeout when the server goes quiet for longer than `limit()` allows;
 * always releases the body.
 */
export async function* ssePayloads(
  body: ReadableStream<Uint8Array>,
  options: { provider: string; limit: () => ReadLimit },
): AsyncGenerator<string, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const pending: string[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event.data) });
  try {
    for (;;) {
      const { ms, phase } = options.limit();
      const { done, value } = await readWithin(reader, ms, phase, options.provider);
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (pending.length > 0) yield pending.shift() as string;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
