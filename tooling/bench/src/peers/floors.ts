// What no client library can beat, as rows beside the peers. The fetch floors make the same
// request over the same transport with no library at all: their time is the simulator's
// and the transport's, so a peer's distance from them is the peer's own work. The parse
// floor reads bytes captured once from the simulator: no server, no transport, only
// eventsource-parser and JSON.parse on the same bytes in the same pieces as received.
import type { PlyTarget } from '../ply-stack.ts';
import { COMPLETE_MODEL, COMPLETE_PROMPT, STREAM_MODEL, type StreamClient } from './peer.ts';
import { sseTextParser } from './sse-text.ts';

export const FETCH_FLOOR = 'floor: fetch + JSON.parse';
export const STREAM_FETCH_FLOOR = 'floor: fetch + eventsource-parser + JSON.parse';
export const PARSE_FLOOR = 'floor: eventsource-parser + JSON.parse on captured bytes';

function post(target: PlyTarget, body: unknown): Promise<Response> {
  return (target.fetch ?? fetch)(`${target.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function streamBody(prompt: string) {
  return {
    model: STREAM_MODEL,
    messages: [{ role: 'user', content: prompt }],
    stream: true,
    stream_options: { include_usage: true },
  };
}

/** One non-streaming call by hand; resolves to the answer's text. */
export function fetchFloorComplete(target: PlyTarget): () => Promise<string> {
  const body = { model: COMPLETE_MODEL, messages: [{ role: 'user', content: COMPLETE_PROMPT }] };
  return async () => {
    const response = await post(target, body);
    const completion = (await response.json()) as {
      choices: { message: { content: string | null } }[];
    };
    return completion.choices[0]?.message.content ?? '';
  };
}

export function fetchFloorStream(target: PlyTarget): StreamClient {
  return {
    name: STREAM_FETCH_FLOOR,
    async stream(prompt, onText) {
      const response = await post(target, streamBody(prompt));
      if (!response.body) throw new Error(`no stream body (status ${response.status})`);
      const parser = sseTextParser(onText);
      const reader = response.body.getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        parser.feed(read.value);
      }
    },
  };
}

/** The SSE body of one stream, in the pieces the transport delivered it. */
export async function captureStream(target: PlyTarget, prompt: string): Promise<Uint8Array[]> {
  const response = await post(target, streamBody(prompt));
  if (!response.body) throw new Error(`no stream body (status ${response.status})`);
  const pieces: Uint8Array[] = [];
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    pieces.push(read.value);
  }
  return pieces;
}

/** Replays captured bytes through the parser, whatever prompt it is given. */
export function parseFloor(pieces: readonly Uint8Array[]): StreamClient {
  return {
    name: PARSE_FLOOR,
    async stream(_prompt, onText) {
      const parser = sseTextParser(onText);
      for (const bytes of pieces) parser.feed(bytes);
    },
  };
}
