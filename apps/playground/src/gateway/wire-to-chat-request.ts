import type { ChatRequest, ReasoningEffort, ServiceTier } from '@ply/core';
import { validateAsWire } from './core-field-to-wire.js';
import {
  describe,
  invalidField,
  isObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  refuseUnknownFields,
  requireObject,
  type WireObject,
} from './wire-fields.js';
import { wireMessages } from './wire-messages.js';
import { checkWireMetadata } from './wire-metadata.js';
import { wireIncludeUsage } from './wire-stream-options.js';
import { wireResponseFormat, wireToolChoice, wireTools } from './wire-tools.js';

/** A `/v1/chat/completions` body, understood. */
export interface WireChatRequest {
  /** The wire `model`, as sent (`provider:model` or bare); undefined when absent. */
  model: string | undefined;
  request: ChatRequest;
  stream: boolean;
  /** `stream_options.include_usage`: send a usage chunk before `[DONE]`. */
  includeUsage: boolean;
}

/** OpenAI fields core does not model: passed to the upstream as they are. */
const PASSED_THROUGH = [
  'store',
  'metadata',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
  'verbosity',
  'prompt_cache_key',
  'prompt_cache_retention',
  'safety_identifier',
] as const;

const MAPPED = [
  'model',
  'messages',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'seed',
  'n',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'user',
  'reasoning_effort',
  'service_tier',
  'stream',
  'stream_options',
] as const;

const KNOWN: ReadonlySet<string> = new Set([...MAPPED, ...PASSED_THROUGH]);

function stopOf(value: unknown): string | string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value;
  invalidField('stop', `must be a string or an array of strings, got ${describe(value)}`);
}

function logitBiasOf(value: unknown): Record<string, number> | undefined {
  if (value === undefined || value === null) return undefined;
  return requireObject('logit_bias', value) as Record<string, number>;
}

/** Sets `field` on `target` only when defined: core requests carry no `undefined` keys. */
function put<T extends object, K extends keyof T>(target: T, field: K, value: T[K] | undefined) {
  if (value !== undefined) target[field] = value;
}

/**
 * Maps an OpenAI chat request body to core's `ChatRequest` and checks it as a ply provider
 * would, before anything is sent. Every refusal is an `InvalidRequestError` whose `field`
 * is the wire path (`messages[1].role`, `top_p`, `tools[0].function.name`).
 */
export function wireToChatRequest(body: unknown): WireChatRequest {
  if (!isObject(body)) invalidField('body', `must be a JSON object, got ${describe(body)}`);
  if (body.functions !== undefined || body.function_call !== undefined) {
    const field = body.functions !== undefined ? 'functions' : 'function_call';
    invalidField(field, 'is deprecated and not supported by the ply gateway; use tools');
  }
  refuseUnknownFields(body, KNOWN);
  const model = optionalString('model', body.model);
  if (model === '') invalidField('model', 'must not be empty');

  const request: ChatRequest = { messages: wireMessages(body.messages) };
  put(request, 'tools', wireTools(body.tools));
  put(request, 'toolChoice', wireToolChoice(body.tool_choice));
  put(
    request,
    'parallelToolCalls',
    optionalBoolean('parallel_tool_calls', body.parallel_tool_calls),
  );
  put(request, 'responseFormat', wireResponseFormat(body.response_format));
  put(request, 'temperature', optionalNumber('temperature', body.temperature));
  put(request, 'topP', optionalNumber('top_p', body.top_p));
  // The newer name wins when a client sends both (some do, for older servers); both are
  // checked all the same, so a broken one is refused rather than silently dropped.
  const completionTokens = optionalNumber('max_completion_tokens', body.max_completion_tokens);
  const maxTokens = optionalNumber('max_tokens', body.max_tokens);
  const maxTokensField = completionTokens === undefined ? 'max_tokens' : 'max_completion_tokens';
  put(request, 'maxOutputTokens', completionTokens ?? maxTokens);
  put(request, 'stop', stopOf(body.stop));
  put(request, 'seed', optionalNumber('seed', body.seed));
  put(request, 'n', optionalNumber('n', body.n));
  put(request, 'presencePenalty', optionalNumber('presence_penalty', body.presence_penalty));
  put(request, 'frequencyPenalty', optionalNumber('frequency_penalty', body.frequency_penalty));
  put(request, 'logitBias', logitBiasOf(body.logit_bias));
  put(request, 'logprobs', optionalBoolean('logprobs', body.logprobs));
  put(request, 'topLogprobs', optionalNumber('top_logprobs', body.top_logprobs));
  put(request, 'user', optionalString('user', body.user));
  put(
    request,
    'reasoningEffort',
    optionalString('reasoning_effort', body.reasoning_effort) as ReasoningEffort | undefined,
  );
  put(
    request,
    'serviceTier',
    optionalString('service_tier', body.service_tier) as ServiceTier | undefined,
  );
  checkWireMetadata(body.metadata);
  const passed: WireObject = {};
  for (const field of PASSED_THROUGH) {
    if (body[field] !== undefined) passed[field] = body[field];
  }
  if (Object.keys(passed).length > 0) request.providerOptions = { openai: passed };

  const stream = optionalBoolean('stream', body.stream) ?? false;
  const includeUsage = wireIncludeUsage(body.stream_options, stream);
  validateAsWire(request, maxTokensField);
  if (completionTokens !== undefined && maxTokens !== undefined) {
    // The one that lost is held to core's rule too (rare: the request is checked twice).
    validateAsWire({ ...request, maxOutputTokens: maxTokens }, 'max_tokens');
  }
  return { model, request, stream, includeUsage };
}
