import type { Simulation } from './simulation.js';

/** One request as a handler sees it. */
export interface HandlerCall {
  request: Request;
  /** Parsed JSON body, when the request had one. */
  body: unknown;
  /** Path parameters, such as the `id` of `/v1/models/{id}`. */
  params: Record<string, string>;
  /** The bearer key (never logged or echoed). */
  apiKey: string;
  simulation: Simulation;
  signal: AbortSignal;
}

/** What a handler answers: a JSON body, a stream of SSE `data:` payloads, or bytes. */
export type HandlerResult =
  | {
      kind: 'json';
      status?: number;
      body: unknown;
      headers?: Record<string, string>;
      log?: LogFacts;
    }
  | {
      kind: 'sse';
      payloads: AsyncIterable<string>;
      headers?: Record<string, string>;
      log?: LogFacts;
    }
  | {
      kind: 'bytes';
      body: Uint8Array | string;
      contentType: string;
      headers?: Record<string, string>;
    };

/** What a handler adds to the request log. */
export interface LogFacts {
  model?: string;
  outputText?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export type Handler = (call: HandlerCall) => Promise<HandlerResult>;
