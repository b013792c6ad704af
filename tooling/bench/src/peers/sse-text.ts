// The least a client can do with a chat completions stream: eventsource-parser to split the
// SSE frames, JSON.parse of each payload, the text of the first choice. Both floors use it.
import { createParser } from 'eventsource-parser';

export interface SseTextParser {
  /** Bytes as they arrived from the body. */
  feed(bytes: Uint8Array): void;
}

export function sseTextParser(onText: (text: string) => void): SseTextParser {
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent({ data }) {
      if (data === '[DONE]') return;
      const chunk = JSON.parse(data) as { choices: { delta?: { content?: string | null } }[] };
      const text = chunk.choices[0]?.delta?.content;
      if (text) onText(text);
    },
  });
  return { feed: (bytes) => parser.feed(decoder.decode(bytes, { stream: true })) };
}
