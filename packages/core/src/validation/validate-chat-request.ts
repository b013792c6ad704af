import { CHAT_ROLES } from '../messages.js';
import { type ChatRequest, REASONING_EFFORTS, SERVICE_TIERS } from '../request.js';
import { checkNumber, checkOneOf, checkString, describe, invalid, isRecord } from './invalid.js';
import { validateJsonSchema } from './validate-json-schema.js';

/** The name pattern OpenAI enforces for tools and response-format schemas. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_STOP_SEQUENCES = 4;
const IMAGE_URL = /^(https?:\/\/|data:image\/[a-z0-9.+-]+;base64,)/i;

function checkTextParts(field: string, content: unknown, allowImages: boolean): void {
  if (typeof content === 'string') return;
  if (!Array.isArray(content))
    invalid(field, `must be a string or an array of parts, got ${describe(content)}`);
  if (content.length === 0) invalid(field, 'must hold at least one part');
  for (const [index, part] of content.entries()) {
    const at = `${field}[${index}]`;
    if (!isRecord(part)) invalid(at, `must be a content part, got ${describe(part)}`);
    if (part.type === 'text') {
      if (typeof part.text !== 'string')
        invalid(`${at}.text`, `must be a string, got ${describe(part.text)}`);
    } else if (part.type === 'image' && allowImages) {
      if (typeof part.url !== 'string' || !IMAGE_URL.test(part.url)) {
        invalid(`${at}.url`, 'must be an http(s) URL or a data:image/...;base64, URL');
      }
      checkOneOf(`${at}.detail`, part.detail, ['auto', 'low', 'high']);
    } else {
      const kinds = allowImages ? 'text or image' : 'text';
      invalid(`${at}.type`, `must be ${kinds}, got ${describe(part.type)}`);
    }
  }
}

function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages)) invalid('messages', `must be an array, got ${describe(messages)}`);
  if (messages.length === 0) invalid('messages', 'must hold at least one message');
  for (const [index, message] of messages.entries()) {
    const at = `messages[${index}]`;
    if (!isRecord(message)) invalid(at, `must be a message object, got ${describe(message)}`);
    const { role } = message;
    checkString(`${at}.name`, message.name, { nonEmpty: true });
    switch (role) {
      case 'system':
      case 'developer':
        checkTextParts(`${at}.content`, message.content, false);
        break;
      case 'user':
        checkTextParts(`${at}.content`, message.content, true);
        break;
      case 'tool':
        if (typeof message.toolCallId !== 'string' || message.toolCallId === '') {
          invalid(`${at}.toolCallId`, 'must name the tool call this message answers');
        }
        checkTextParts(`${at}.content`, message.content, false);
        break;
      case 'assistant': {
        const calls = message.toolCalls;
        if (calls !== undefined) {
          if (!Array.isArray(calls))
            invalid(`${at}.toolCalls`, `must be an array, got ${describe(calls)}`);
          for (const [callIndex, call] of calls.entries()) {
            const callAt = `${at}.toolCalls[${callIndex}]`;
            if (!isRecord(call)) invalid(callAt, `must be a tool call, got ${describe(call)}`);
            for (const key of ['id', 'name', 'arguments'] as const) {
              if (typeof call[key] !== 'string' || (key !== 'arguments' && call[key] === '')) {
                invalid(
                  `${callAt}.${key}`,
                  `must be a${key === 'arguments' ? ' JSON' : ' non-empty'} string`,
                );
              }
            }
          }
        }
        const hasContent = message.content !== undefined && message.content !== null;
        if (hasContent) checkTextParts(`${at}.content`, message.content, false);
        if (!hasContent && !(Array.isArray(calls) && calls.length > 0) && !message.refusal) {
          invalid(`${at}.content`, 'an assistant message needs content, tool calls or a refusal');
        }
        break;
      }
      default:
        invalid(`${at}.role`, `must be one of ${CHAT_ROLES.join(', ')}; got ${describe(role)}`);
    }
  }
}

function checkName(field: string, name: unknown): void {
  if (typeof name !== 'string' || !TOOL_NAME_PATTERN.test(name)) {
    invalid(
      field,
      `must match ${TOOL_NAME_PATTERN.source} (letters, digits, _ and -, at most 64); got ${describe(name)}`,
    );
  }
}

function checkTools(request: ChatRequest): void {
  const { tools, toolChoice } = request;
  const names = new Set<string>();
  if (tools !== undefined) {
    if (!Array.isArray(tools)) invalid('tools', `must be an array, got ${describe(tools)}`);
    for (const [index, tool] of tools.entries()) {
      const at = `tools[${index}]`;
      if (!isRecord(tool)) invalid(at, `must be a tool definition, got ${describe(tool)}`);
      if (tool.type !== 'function')
        invalid(`${at}.type`, `must be "function", got ${describe(tool.type)}`);
      checkName(`${at}.name`, tool.name);
      if (names.has(tool.name as string)) invalid(`${at}.name`, `"${tool.name}" is defined twice`);
      names.add(tool.name as string);
      checkString(`${at}.description`, tool.description);
      if (tool.parameters !== undefined)
        validateJsonSchema(`${at}.parameters`, tool.parameters, { objectRoot: true });
    }
  }
  if (toolChoice === undefined) return;
  if (typeof toolChoice === 'string') {
    checkOneOf('toolChoice', toolChoice, ['auto', 'none', 'required']);
    if (toolChoice === 'required' && names.size === 0)
      invalid('toolChoice', '"required" needs at least one tool');
    return;
  }
  if (!isRecord(toolChoice) || toolChoice.type !== 'function') {
    invalid(
      'toolChoice',
      `must be auto, none, required or { type: "function", name }; got ${describe(toolChoice)}`,
    );
  }
  if (!names.has(toolChoice.name as string)) {
    invalid('toolChoice.name', `names ${describe(toolChoice.name)}, which is not among the tools`);
  }
}

function checkResponseFormat(format: unknown): void {
  if (format === undefined) return;
  if (!isRecord(format)) invalid('responseFormat', `must be an object, got ${describe(format)}`);
  checkOneOf('responseFormat.type', format.type, ['text', 'json_object', 'json_schema']);
  if (format.type === 'json_schema') {
    checkName('responseFormat.name', format.name);
    validateJsonSchema('responseFormat.schema', format.schema);
  }
}

function checkStop(stop: unknown): void {
  if (stop === undefined) return;
  if (typeof stop === 'string') {
    if (stop === '') invalid('stop', 'must not be empty');
    return;
  }
  if (!Array.isArray(stop) || stop.some((entry) => typeof entry !== 'string' || entry === '')) {
    invalid('stop', 'must be a string or an array of non-empty strings');
  }
  if (stop.length > MAX_STOP_SEQUENCES)
    invalid('stop', `takes at most ${MAX_STOP_SEQUENCES} sequences, got ${stop.length}`);
}

/**
 * Checks a chat request before anything is sent. Throws `InvalidRequestError` with the
 * offending `field` (such as `messages[2].role` or `tools[0].parameters.type`).
 */
export function validateChatRequest(request: ChatRequest): void {
  if (!isRecord(request)) invalid('request', `must be an object, got ${describe(request)}`);
  checkString('model', request.model, { nonEmpty: true });
  checkMessages(request.messages);
  checkTools(request);
  checkResponseFormat(request.responseFormat);
  checkStop(request.stop);
  checkNumber('temperature', request.temperature, { min: 0, max: 2 });
  checkNumber('topP', request.topP, { min: 0, max: 1 });
  checkNumber('maxOutputTokens', request.maxOutputTokens, { min: 1, integer: true });
  checkNumber('n', request.n, { min: 1, max: 128, integer: true });
  checkNumber('seed', request.seed, { integer: true });
  checkNumber('presencePenalty', request.presencePenalty, { min: -2, max: 2 });
  checkNumber('frequencyPenalty', request.frequencyPenalty, { min: -2, max: 2 });
  checkNumber('topLogprobs', request.topLogprobs, { min: 0, max: 20, integer: true });
  if (request.topLogprobs !== undefined && request.logprobs !== true) {
    invalid('topLogprobs', 'needs logprobs: true');
  }
  if (request.logitBias !== undefined) {
    if (!isRecord(request.logitBias))
      invalid('logitBias', `must be an object, got ${describe(request.logitBias)}`);
    for (const [token, bias] of Object.entries(request.logitBias)) {
      if (!/^\d+$/.test(token)) invalid(`logitBias.${token}`, 'keys must be token ids');
      checkNumber(`logitBias.${token}`, bias, { min: -100, max: 100 });
    }
  }
  checkString('user', request.user);
  checkOneOf('reasoningEffort', request.reasoningEffort, REASONING_EFFORTS);
  checkOneOf('serviceTier', request.serviceTier, SERVICE_TIERS);
}
