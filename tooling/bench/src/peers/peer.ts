// What every client in the peer comparisons does, so the suites time the same work:
// one short non-streaming call, and one streamed answer read text chunk by text chunk.

/** The one short prompt every non-streaming call sends to the echo model. */
export const COMPLETE_MODEL = 'gpt-4o-mini';
export const COMPLETE_PROMPT = 'How fast is the stack?';
/** The lorem model writes the words asked for, one token a chunk. */
export const STREAM_MODEL = 'sim-lorem';

export interface StreamClient {
  name: string;
  /**
   * One streamed answer to `prompt`, read to its end: `onText` gets every non-empty text
   * chunk as the client hands it over (a callback, not a generator, so no client pays an
   * extra async layer of ours).
   */
  stream(prompt: string, onText: (text: string) => void): Promise<void>;
}

export interface Peer extends StreamClient {
  /** One non-streaming call; resolves to the answer's text. */
  complete(): Promise<string>;
}
