import type {
  AssistantMessage,
  ChatMessage,
  TextPart,
  ToolCallRequest,
  UserContentPart,
} from '@ply/core';
import {
  describe,
  invalidField,
  optionalArray,
  optionalString,
  requireObject,
  type WireObject,
} from './wire-fields.js';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'];

/** OpenAI's `messages` as core messages; every problem names its wire path. */
export function wireMessages(value: unknown): ChatMessage[] {
  if (value === undefined || value === null) invalidField('messages', 'is required');
  if (!Array.isArray(value)) invalidField('messages', `must be an array, got ${describe(value)}`);
  return value.map((entry, index) => wireMessage(`messages[${index}]`, entry));
}

function wireMessage(at: string, value: unknown): ChatMessage {
  const message = requireObject(at, value);
  const name = optionalString(`${at}.name`, message.name);
  const named = name === undefined ? {} : { name };
  switch (message.role) {
    case 'system':
    case 'developer':
      return {
        role: message.role,
        content: textContent(`${at}.content`, message.content),
        ...named,
      };
    case 'user':
      return { role: 'user', content: userContent(`${at}.content`, message.content), ...named };
    case 'assistant':
      return { ...assistantMessage(at, message), ...named };
    case 'tool': {
      const toolCallId = optionalString(`${at}.tool_call_id`, message.tool_call_id);
      if (!toolCallId) invalidField(`${at}.tool_call_id`, 'must name the tool call it answers');
      return { role: 'tool', toolCallId, content: textContent(`${at}.content`, message.content) };
    }
    default:
      // `function` (the pre-tools role) included: its answers have no call id to attach to.
      invalidField(
        `${at}.role`,
        `must be one of ${ROLES.join(', ')}; got ${describe(message.role)}`,
      );
  }
}

function textPart(at: string, part: WireObject): TextPart {
  if (typeof part.text !== 'string') {
    invalidField(`${at}.text`, `must be a string, got ${describe(part.text)}`);
  }
  return { type: 'text', text: part.text };
}

function textContent(field: string, content: unknown): string | TextPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) {
    invalidField(field, `must be a string or an array of text parts, got ${describe(content)}`);
  }
  return content.map((value, index) => {
    const at = `${field}[${index}]`;
    const part = requireObject(at, value);
    if (part.type !== 'text')
      invalidField(`${at}.type`, `must be "text", got ${describe(part.type)}`);
    return textPart(at, part);
  });
}

function userContent(field: string, content: unknown): string | UserContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) {
    invalidField(field, `must be a string or an array of content parts, got ${describe(content)}`);
  }
  // One core part per wire part, so a core validation error's index is the wire index too.
  return content.map((value, index): UserContentPart => {
    const at = `${field}[${index}]`;
    const part = requireObject(at, value);
    if (part.type === 'text') return textPart(at, part);
    if (part.type === 'image_url') {
      const image = requireObject(`${at}.image_url`, part.image_url);
      const url = optionalString(`${at}.image_url.url`, image.url);
      if (url === undefined) invalidField(`${at}.image_url.url`, 'is required');
      const detail = optionalString(`${at}.image_url.detail`, image.detail);
      return {
        type: 'image',
        url,
        ...(detail === undefined ? {} : { detail: detail as 'auto' | 'low' | 'high' }),
      };
    }
    if (part.type === 'input_audio' || part.type === 'file') {
      invalidField(`${at}.type`, `"${part.type}" parts are not supported by the ply gateway`);
    }
    return invalidField(`${at}.type`, `must be "text" or "image_url", got ${describe(part.type)}`);
  });
}

function assistantMessage(at: string, message: WireObject): AssistantMessage {
  if (message.function_call !== undefined && message.function_call !== null) {
    invalidField(`${at}.function_call`, 'is deprecated and not supported; use tool_calls');
  }
  if (message.audio !== undefined && message.audio !== null) {
    invalidField(`${at}.audio`, 'audio replies are not supported by the ply gateway');
  }
  let refusal = optionalString(`${at}.refusal`, message.refusal);
  let content: string | TextPart[] | null = null;
  if (typeof message.content === 'string') content = message.content;
  else if (Array.isArray(message.content)) {
    // The API accepts `refusal` parts in assistant content; core keeps a refusal apart.
    const parts: TextPart[] = [];
    for (const [index, value] of message.content.entries()) {
      const partAt = `${at}.content[${index}]`;
      const part = requireObject(partAt, value);
      if (part.type === 'text') parts.push(textPart(partAt, part));
      else if (part.type === 'refusal') {
        const text = optionalString(`${partAt}.refusal`, part.refusal);
        if (text === undefined) invalidField(`${partAt}.refusal`, 'is required');
        refusal = (refusal ?? '') + text;
      } else {
        invalidField(`${partAt}.type`, `must be "text" or "refusal", got ${describe(part.type)}`);
      }
    }
    content = parts.length > 0 ? parts : null;
  } else if (message.content !== undefined && message.content !== null) {
    invalidField(
      `${at}.content`,
      `must be a string, an array of parts or null, got ${describe(message.content)}`,
    );
  }
  const calls = optionalArray(`${at}.tool_calls`, message.tool_calls);
  const toolCalls = calls?.map((value, index) => toolCall(`${at}.tool_calls[${index}]`, value));
  return {
    role: 'assistant',
    content,
    ...(toolCalls?.length ? { toolCalls } : {}),
    ...(refusal === undefined ? {} : { refusal }),
  };
}

function toolCall(at: string, value: unknown): ToolCallRequest {
  const call = requireObject(at, value);
  if (call.type !== undefined && call.type !== 'function') {
    invalidField(`${at}.type`, `must be "function", got ${describe(call.type)}`);
  }
  const fn = requireObject(`${at}.function`, call.function);
  return {
    id: optionalString(`${at}.id`, call.id) ?? '',
    name: optionalString(`${at}.function.name`, fn.name) ?? '',
    arguments: optionalString(`${at}.function.arguments`, fn.arguments) ?? '',
  };
}
