import type { MalformedBodyShape } from './faults.js';

const SHAPES: readonly MalformedBodyShape[] = ['truncated-json', 'event-stream', 'wrong-shape'];

/** What a `malformed-body` fault sends in place of a JSON answer, with a 200. */
export interface MalformedBody {
  body: string;
  contentType: string;
}

/**
 * The answer broken as `shape` breaks it: the JSON text cut in half (a proxy that drops
 * the connection's tail), the body as an SSE stream (a server that streams whatever was
 * asked), or a JSON object with none of the endpoint's fields (a gateway's own envelope).
 */
export function malformedBody(
  shape: MalformedBodyShape,
  json: string,
  value: unknown,
): MalformedBody {
  switch (shape) {
    case 'truncated-json':
      return { body: json.slice(0, Math.floor(json.length / 2)), contentType: 'application/json' };
    case 'event-stream':
      return {
        body: `data: ${JSON.stringify(value)}\n\ndata: [DONE]\n\n`,
        contentType: 'text/event-stream; charset=utf-8',
      };
    case 'wrong-shape': {
      const object = (value as { object?: unknown } | null)?.object;
      return {
        body: JSON.stringify({
          ...(typeof object === 'string' ? { object } : {}),
          detail: 'ply simulator: a body with none of the fields this endpoint answers with',
        }),
        contentType: 'application/json',
      };
    }
  }
}

/** The shapes in turn, for `malformed-body` faults that name none. */
export function malformedBodyShapes(): () => MalformedBodyShape {
  let next = 0;
  return () => SHAPES[next++ % SHAPES.length] as MalformedBodyShape;
}
