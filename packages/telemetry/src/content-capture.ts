import type { ChatMessage, ChatResult, ChoiceResult, TextPart, UserContentPart } from '@ply/core';

/**
 * Prompt and completion content in the GenAI conventions' message format
 * (`gen_ai.input.messages`, `gen_ai.output.messages`): `{ role, parts: [...] }`, one part
 * per text, image, tool call or tool result. Built only when the user opted in.
 */
type MessagePart =
  | { type: 'text'; content: string }
  | { type: 'uri'; modality: 'image'; uri: string }
  | { type: 'tool_call'; id: string; name: string; arguments: unknown }
  | { type: 'tool_call_response'; id: string; result: string };

interface InputMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
}

interface OutputMessage {
  role: 'assistant';
  parts: MessagePart[];
  finish_reason: string;
}

function textParts(content: string | readonly (TextPart | UserContentPart)[] | null | undefined) {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return [{ type: 'text', content } satisfies MessagePart];
  return content.map(
    (part): MessagePart =>
      part.type === 'text'
        ? { type: 'text', content: part.text }
        : // A data URL is the image itself: it is recorded as such only because the user asked.
          { type: 'uri', modality: 'image', uri: part.url },
  );
}

/** Tool arguments parsed when they are JSON, as the conventions show them; else the text. */
function parsedArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function inputMessages(messages: readonly ChatMessage[]): string {
  const converted = messages.map((message): InputMessage => {
    if (message.role === 'tool') {
      const result =
        typeof message.content === 'string'
          ? message.content
          : message.content.map((part) => part.text).join('');
      return {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: message.toolCallId, result }],
      };
    }
    const parts: MessagePart[] = textParts(message.content);
    if (message.role === 'assistant') {
      if (message.refusal) parts.push({ type: 'text', content: message.refusal });
      for (const call of message.toolCalls ?? []) {
        parts.push({
          type: 'tool_call',
          id: call.id,
          name: call.name,
          arguments: parsedArguments(call.arguments),
        });
      }
    }
    const converted: InputMessage = { role: message.role, parts };
    if ('name' in message && message.name) converted.name = message.name;
    return converted;
  });
  return JSON.stringify(converted);
}

function outputMessage(choice: Omit<ChoiceResult, 'index'>): OutputMessage {
  const parts: MessagePart[] = [];
  if (choice.text) parts.push({ type: 'text', content: choice.text });
  if (choice.refusal) parts.push({ type: 'text', content: choice.refusal });
  for (const call of choice.toolCalls) {
    parts.push({
      type: 'tool_call',
      id: call.id,
      name: call.name,
      arguments: call.input ?? call.arguments,
    });
  }
  return {
    role: 'assistant',
    parts,
    finish_reason: choice.finishReason.raw ?? choice.finishReason.unified,
  };
}

export function outputMessages(result: ChatResult): string {
  const choices = result.choices.length > 0 ? result.choices : [result];
  return JSON.stringify(choices.map(outputMessage));
}
