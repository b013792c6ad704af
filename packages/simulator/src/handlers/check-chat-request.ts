import { type ApiError, invalidParam } from '../api-error.js';
import type { ChatRequestBody } from '../behaviours/chat-answer.js';
import { isReasoningModel, type SimulatedModel } from '../catalogue.js';

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function checkRange(
  body: Record<string, unknown>,
  param: string,
  min: number,
  max: number,
  integer = false,
): void {
  const value = body[param];
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || (integer && !Number.isInteger(value))) {
    throw invalidParam(
      param,
      `Invalid type for '${param}': expected ${integer ? 'an integer' : 'a decimal'}, but got ${typeof value} instead.`,
      'invalid_type',
    );
  }
  const kind = integer ? 'integer' : 'decimal';
  if (value > max) {
    throw invalidParam(
      param,
      `Invalid '${param}': ${kind} above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
      `${kind}_above_max_value`,
    );
  }
  if (value < min) {
    throw invalidParam(
      param,
      `Invalid '${param}': ${kind} below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      `${kind}_below_min_value`,
    );
  }
}

function checkReasoningParameters(body: Record<string, unknown>): void {
  if (body.max_tokens !== undefined) {
    throw invalidParam(
      'max_tokens',
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      'unsupported_parameter',
    );
  }
  for (const param of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty']) {
    const value = body[param];
    const neutral = param === 'temperature' || param === 'top_p' ? 1 : 0;
    if (value !== undefined && value !== null && value !== neutral) {
      throw invalidParam(
        param,
        `Unsupported value: '${param}' does not support ${value} with this model. Only the default (${neutral}) value is supported.`,
        'unsupported_value',
      );
    }
  }
  if (body.logprobs === true) {
    throw invalidParam(
      'logprobs',
      "Unsupported parameter: 'logprobs' is not supported with this model.",
      'unsupported_parameter',
    );
  }
}

function checkTools(body: ChatRequestBody): void {
  const names = new Set<string>();
  for (const [index, tool] of (body.tools ?? []).entries()) {
    if (tool?.type !== 'function' || typeof tool.function?.name !== 'string') {
      throw invalidParam(
        `tools[${index}]`,
        `Invalid 'tools[${index}]': expected a function tool with a name.`,
        'invalid_value',
      );
    }
    if (!TOOL_NAME.test(tool.function.name)) {
      throw invalidParam(
        `tools[${index}].function.name`,
        `Invalid 'tools[${index}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        'invalid_value',
      );
    }
    names.add(tool.function.name);
  }
  const choice = body.tool_choice as { function?: { name?: string } } | string | undefined;
  if (typeof choice === 'object' && choice?.function?.name && !names.has(choice.function.name)) {
    throw invalidParam(
      'tool_choice',
      `Invalid value for 'tool_choice': the function '${choice.function.name}' is not among the tools.`,
      'invalid_value',
    );
  }
  if (choice === 'required' && names.size === 0) {
    throw invalidParam(
      'tool_choice',
      "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      'invalid_value',
    );
  }
}

/** The checks the real API makes before it generates anything, with its messages and codes. */
export function checkChatRequest(body: ChatRequestBody, model: SimulatedModel): void {
  const record = body as Record<string, unknown>;
  if (!Array.isArray(body.messages)) {
    throw invalidParam(
      'messages',
      "Missing required parameter: 'messages'.",
      'missing_required_parameter',
    );
  }
  if (body.messages.length === 0) {
    throw invalidParam(
      'messages',
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'empty_array',
    );
  }
  for (const [index, message] of body.messages.entries()) {
    if (!ROLES.includes(String(message?.role))) {
      throw invalidParam(
        `messages[${index}].role`,
        `Invalid value: '${String(message?.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        'invalid_value',
      );
    }
  }
  checkRange(record, 'temperature', 0, 2);
  checkRange(record, 'top_p', 0, 1);
  checkRange(record, 'presence_penalty', -2, 2);
  checkRange(record, 'frequency_penalty', -2, 2);
  checkRange(record, 'n', 1, 128, true);
  checkRange(record, 'top_logprobs', 0, 20, true);
  checkRange(record, 'max_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  checkRange(record, 'max_completion_tokens', 1, Number.MAX_SAFE_INTEGER, true);
  if (body.top_logprobs !== undefined && body.logprobs !== true) {
    throw invalidParam(
      'top_logprobs',
      "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.",
      'invalid_value',
    );
  }
  if (body.stream_options !== undefined && body.stream !== true) {
    throw invalidParam(
      'stream_options',
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      'invalid_value',
    );
  }
  const maxOutput = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
  if (maxOutput !== undefined && maxOutput > model.maxOutputTokens) {
    const param = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
    throw invalidParam(
      param,
      `${param} is too large: ${maxOutput}. This model supports at most ${model.maxOutputTokens} completion tokens, whereas you provided ${maxOutput}.`,
      'invalid_value',
    );
  }
  if (isReasoningModel(model)) checkReasoningParameters(record);
  checkTools(body);
  const format = body.response_format;
  if (
    format !== undefined &&
    !['text', 'json_object', 'json_schema'].includes(String(format?.type))
  ) {
    throw invalidParam(
      'response_format.type',
      `Invalid value: '${String(format?.type)}'. Supported values are: 'json_object', 'json_schema', and 'text'.`,
      'invalid_value',
    );
  }
  if (
    format?.type === 'json_schema' &&
    (typeof format.json_schema?.name !== 'string' || typeof format.json_schema.schema !== 'object')
  ) {
    throw invalidParam(
      'response_format.json_schema',
      "Missing required parameter: 'response_format.json_schema.name' or 'schema'.",
      'missing_required_parameter',
    );
  }
}

/** The API's context-window refusal, computed from the model's window. */
export function contextLengthExceeded(
  model: SimulatedModel,
  promptTokens: number,
  maxOutput: number | undefined,
): ApiError {
  const requested = promptTokens + (maxOutput ?? 0);
  const detail =
    maxOutput === undefined
      ? `your messages resulted in ${promptTokens} tokens`
      : `you requested ${requested} tokens (${promptTokens} in the messages, ${maxOutput} in the completion)`;
  return invalidParam(
    'messages',
    `This model's maximum context length is ${model.contextWindow} tokens. However, ${detail}. Please reduce the length of the messages${maxOutput === undefined ? '' : ' or completion'}.`,
    'context_length_exceeded',
  );
}
