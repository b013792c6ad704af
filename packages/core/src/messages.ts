/** Content parts and chat messages, provider neutral. */

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  /** An `http(s)` URL or a `data:image/...;base64,` URL. */
  url: string;
  /** How much detail the model should look at; providers default to `auto`. */
  detail?: 'auto' | 'low' | 'high';
}

export type UserContentPart = TextPart | ImagePart;

/** A tool call as it appears in the conversation history. */
export interface ToolCallRequest {
  id: string;
  name: string;
  /** The arguments exactly as the model produced them: a JSON text. */
  arguments: string;
}

export interface SystemMessage {
  role: 'system';
  content: string | TextPart[];
  name?: string;
}

/** Instructions for reasoning models; providers map it to `system` where unsupported. */
export interface DeveloperMessage {
  role: 'developer';
  content: string | TextPart[];
  name?: string;
}

export interface UserMessage {
  role: 'user';
  content: string | UserContentPart[];
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content?: string | TextPart[] | null;
  name?: string;
  toolCalls?: ToolCallRequest[];
  refusal?: string | null;
}

export interface ToolMessage {
  role: 'tool';
  toolCallId: string;
  content: string | TextPart[];
}

export type ChatMessage =
  | SystemMessage
  | DeveloperMessage
  | UserMessage
  | AssistantMessage
  | ToolMessage;

export type ChatRole = ChatMessage['role'];

export const CHAT_ROLES: readonly ChatRole[] = ['system', 'developer', 'user', 'assistant', 'tool'];
