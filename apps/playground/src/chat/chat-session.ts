import type { ChatMessage, ChatRequest } from '@ply/core';

/** What the assistant said in a turn, whole or as far as it got before a stop. */
export interface AssistantReply {
  text: string;
  refusal?: string;
}

/**
 * The conversation: the target it talks to, the system prompt, and the turns so far.
 * The system prompt is kept apart from the turns, so changing it applies to the next
 * request without rewriting history, and `/reset` keeps it.
 */
export class ChatSession {
  target: string;
  system: string | undefined;
  readonly #turns: ChatMessage[] = [];

  constructor(options: { target: string; system?: string | undefined }) {
    this.target = options.target;
    this.system = options.system;
  }

  /** User and assistant messages so far, oldest first. */
  get turns(): readonly ChatMessage[] {
    return this.#turns;
  }

  /** The request that asks `userText` after everything said so far. */
  request(userText: string): ChatRequest {
    const messages: ChatMessage[] = [];
    if (this.system !== undefined) messages.push({ role: 'system', content: this.system });
    messages.push(...this.#turns, { role: 'user', content: userText });
    return { messages };
  }

  /** Adds a finished (or stopped) exchange; a turn that failed before any output adds nothing. */
  record(userText: string, reply: AssistantReply): void {
    this.#turns.push(
      { role: 'user', content: userText },
      {
        role: 'assistant',
        content: reply.text,
        ...(reply.refusal ? { refusal: reply.refusal } : {}),
      },
    );
  }

  reset(): void {
    this.#turns.length = 0;
  }
}
