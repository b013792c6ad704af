// Reads shared/reference/tokens/cases.jsonl where it lives (never copied) and turns its
// OpenAI-format requests (snake_case, `tool_calls`, legacy `functions`) into core requests.
import { readFileSync } from 'node:fs';
import type {
  ChatMessage,
  ChatRequest,
  JsonSchema,
  ResponseFormat,
  TextPart,
  ToolCallRequest,
  ToolChoice,
  ToolDefinition,
  UserContentPart,
} from '@ply/core';

export const CASES_URL = new URL(
  '../../../../../shared/reference/tokens/cases.jsonl',
  import.meta.url,
);

export type CaseKind = 'text' | 'name' | 'tools' | 'response_format';

export interface TokenCase {
  id: string;
  model: string;
  kind: CaseKind;
  request: Record<string, unknown>;
  prompt_tokens: number;
  framing_check?: number;
  response_model: string | null;
}

export function loadTokenCases(): TokenCase[] {
  return readFileSync(CASES_URL, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TokenCase);
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function parts(content: unknown): UserContentPart[] {
  if (!Array.isArray(content)) return [];
  const out: UserContentPart[] = [];
  for (const part of content) {
    if (!isObject(part)) continue;
    if (part.type === 'text') out.push({ type: 'text', text: str(part.text) ?? '' });
    if (part.type === 'image_url' && isObject(part.image_url)) {
      const detail = part.image_url.detail;
      out.push({
        type: 'image',
        url: str(part.image_url.url) ?? '',
        ...(detail === 'low' || detail === 'high' || detail === 'auto' ? { detail } : {}),
      });
    }
  }
  return out;
}

function textContent(content: unknown): string | TextPart[] {
  if (typeof content === 'string') return content;
  return parts(content).filter((part): part is TextPart => part.type === 'text');
}

function toolDefinition(fn: unknown): ToolDefinition {
  const def = isObject(fn) ? fn : {};
  return {
    type: 'function',
    name: str(def.name) ?? '',
    ...(typeof def.description === 'string' ? { description: def.description } : {}),
    parameters: isObject(def.parameters)
      ? (def.parameters as JsonSchema)
      : { type: 'object', properties: {} },
    ...(typeof def.strict === 'boolean' ? { strict: def.strict } : {}),
  };
}

function toolChoice(choice: unknown): ToolChoice | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isObject(choice)) {
    const name = isObject(choice.function) ? str(choice.function.name) : str(choice.name);
    if (name !== undefined) return { type: 'function', name };
  }
  return undefined;
}

function responseFormat(format: unknown): ResponseFormat | undefined {
  if (!isObject(format)) return undefined;
  if (format.type === 'text' || format.type === 'json_object') return { type: format.type };
  if (format.type === 'json_schema' && isObject(format.json_schema)) {
    const spec = format.json_schema;
    return {
      type: 'json_schema',
      name: str(spec.name) ?? 'response',
      schema: isObject(spec.schema) ? (spec.schema as JsonSchema) : {},
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
      ...(typeof spec.strict === 'boolean' ? { strict: spec.strict } : {}),
    };
  }
  return undefined;
}

/**
 * An OpenAI Chat Completions request body as a core `ChatRequest`. Legacy `functions`
 * become tools, `function_call` on an assistant message a tool call, and a
 * `role: 'function'` result a tool message answering the latest call of that name.
 */
export function toCoreRequest(body: Record<string, unknown>, model?: string): ChatRequest {
  const messages: ChatMessage[] = [];
  const lastCallIdByName = new Map<string, string>();
  const rawMessages = Array.isArray(body.messages) ? body.messages : [];
  for (const [index, raw] of rawMessages.entries()) {
    if (!isObject(raw)) continue;
    const name = str(raw.name);
    const named = name !== undefined ? { name } : {};
    switch (raw.role) {
      case 'system':
      case 'developer':
        messages.push({ role: raw.role, content: textContent(raw.content), ...named });
        break;
      case 'user':
        messages.push({
          role: 'user',
          content: typeof raw.content === 'string' ? raw.content : parts(raw.content),
          ...named,
        });
        break;
      case 'assistant': {
        const calls: ToolCallRequest[] = [];
        for (const call of Array.isArray(raw.tool_calls) ? raw.tool_calls : []) {
          if (!isObject(call) || !isObject(call.function)) continue;
          calls.push({
            id: str(call.id) ?? `call_${index}_${calls.length}`,
            name: str(call.function.name) ?? '',
            arguments: str(call.function.arguments) ?? '',
          });
        }
        if (isObject(raw.function_call)) {
          calls.push({
            id: `function_call_${index}`,
            name: str(raw.function_call.name) ?? '',
            arguments: str(raw.function_call.arguments) ?? '',
          });
        }
        for (const call of calls) lastCallIdByName.set(call.name, call.id);
        messages.push({
          role: 'assistant',
          content:
            raw.content === null || raw.content === undefined ? null : textContent(raw.content),
          ...named,
          ...(calls.length > 0 ? { toolCalls: calls } : {}),
        });
        break;
      }
      case 'tool':
        messages.push({
          role: 'tool',
          toolCallId: str(raw.tool_call_id) ?? '',
          content: textContent(raw.content),
        });
        break;
      case 'function':
        messages.push({
          role: 'tool',
          toolCallId: lastCallIdByName.get(name ?? '') ?? `function_${name ?? ''}`,
          content: textContent(raw.content),
        });
        break;
      default:
        throw new Error(`unexpected role ${String(raw.role)} in message ${index}`);
    }
  }
  const request: ChatRequest = { messages };
  if (model !== undefined) request.model = model;
  const rawTools = Array.isArray(body.tools)
    ? body.tools.map((tool) => (isObject(tool) ? tool.function : undefined))
    : Array.isArray(body.functions)
      ? body.functions
      : undefined;
  if (rawTools !== undefined) request.tools = rawTools.map(toolDefinition);
  const choice = toolChoice(body.tool_choice ?? body.function_call);
  if (choice !== undefined) request.toolChoice = choice;
  const format = responseFormat(body.response_format);
  if (format !== undefined) request.responseFormat = format;
  return request;
}
