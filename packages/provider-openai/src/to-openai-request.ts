import {
  type CallWarning,
  type ChatMessage,
  type ChatRequest,
  type ImagePart,
  type TextPart,
  UnsupportedFeatureError,
} from '@ply/core';
import type { ModelCatalogue } from '@ply/models';
import type OpenAI from 'openai';
import type { ServerCompatibility, ServerFeature } from './compatibility.js';
import { isReasoningModel } from './model-catalogue.js';

type Params = OpenAI.Chat.ChatCompletionCreateParams;
type Message = OpenAI.Chat.ChatCompletionMessageParam;

export interface MappedRequest {
  params: Params;
  warnings: CallWarning[];
}

const SAMPLING_ON_REASONING = [
  'temperature',
  'topP',
  'presencePenalty',
  'frequencyPenalty',
  'logprobs',
  'topLogprobs',
  'logitBias',
] as const;

function textOf(parts: string | TextPart[]): string {
  return typeof parts === 'string' ? parts : parts.map((part) => part.text).join('');
}

function imagePart(part: ImagePart): OpenAI.Chat.ChatCompletionContentPartImage {
  return {
    type: 'image_url',
    image_url: { url: part.url, ...(part.detail ? { detail: part.detail } : {}) },
  };
}

function toMessage(message: ChatMessage, developerRole: 'developer' | 'system'): Message {
  const name = 'name' in message && message.name ? { name: message.name } : {};
  switch (message.role) {
    case 'system':
      return { role: 'system', content: textOf(message.content), ...name };
    case 'developer':
      return { role: developerRole, content: textOf(message.content), ...name };
    case 'user':
      return {
        role: 'user',
        content:
          typeof message.content === 'string'
            ? message.content
            : message.content.map((part) =>
                part.type === 'text' ? { type: 'text' as const, text: part.text } : imagePart(part),
              ),
        ...name,
      };
    case 'assistant':
      return {
        role: 'assistant',
        content:
          message.content === undefined || message.content === null
            ? null
            : textOf(message.content),
        ...(message.refusal ? { refusal: message.refusal } : {}),
        ...(message.toolCalls?.length
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: 'function' as const,
                function: { name: call.name, arguments: call.arguments },
              })),
            }
          : {}),
        ...name,
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: textOf(message.content) };
  }
}

function requireFeature(
  unsupported: readonly ServerFeature[],
  feature: ServerFeature,
  provider: string,
  used: boolean,
): void {
  if (used && unsupported.includes(feature)) {
    throw new UnsupportedFeatureError(`The ${provider} server does not support ${feature}`, {
      feature,
      provider,
    });
  }
}

/**
 * The OpenAI request for a core request. Reasoning models get `max_completion_tokens`,
 * `developer` instructions and no sampling settings (each dropped one reported as a
 * warning); declared server gaps fail here, before the network.
 */
export function toOpenAIRequest(
  request: ChatRequest,
  context: {
    model: string;
    stream: boolean;
    provider: string;
    compatibility: Required<ServerCompatibility>;
    /** Whose facts say whether the model reasons. Default: the built-in catalogue. */
    catalogue?: ModelCatalogue;
  },
): MappedRequest {
  const { model, stream, compatibility } = context;
  const unsupported = compatibility.unsupported;
  const reasoning = isReasoningModel(model, context.catalogue);
  const warnings: CallWarning[] = [];
  const usesImages = request.messages.some(
    (message) =>
      message.role === 'user' &&
      Array.isArray(message.content) &&
      message.content.some((part) => part.type === 'image'),
  );
  requireFeature(unsupported, 'tools', context.provider, Boolean(request.tools?.length));
  requireFeature(
    unsupported,
    'structured-output',
    context.provider,
    request.responseFormat?.type === 'json_schema',
  );
  requireFeature(unsupported, 'logprobs', context.provider, Boolean(request.logprobs));
  requireFeature(unsupported, 'vision', context.provider, usesImages);
  requireFeature(unsupported, 'multiple-choices', context.provider, (request.n ?? 1) > 1);

  const developerRole = compatibility.developerRole ? 'developer' : 'system';
  const params: Record<string, unknown> = {
    model,
    messages: request.messages.map((message) =>
      // Reasoning models take their instructions as `developer`.
      reasoning && message.role === 'system' && compatibility.developerRole
        ? toMessage({ ...message, role: 'developer' }, developerRole)
        : toMessage(message, developerRole),
    ),
  };
  const set = (field: string, value: unknown) => {
    if (value !== undefined) params[field] = value;
  };

  const dropped = new Set<string>();
  if (reasoning) {
    for (const setting of SAMPLING_ON_REASONING) {
      if (request[setting] !== undefined) {
        dropped.add(setting);
        warnings.push({
          type: 'unsupported-setting',
          setting,
          message: `${model} is a reasoning model and does not accept ${setting}; it was not sent`,
        });
      }
    }
  }
  const keep = <T>(setting: string, value: T) => (dropped.has(setting) ? undefined : value);
  set('temperature', keep('temperature', request.temperature));
  set('top_p', keep('topP', request.topP));
  set('presence_penalty', keep('presencePenalty', request.presencePenalty));
  set('frequency_penalty', keep('frequencyPenalty', request.frequencyPenalty));
  set('logit_bias', keep('logitBias', request.logitBias));
  set('logprobs', keep('logprobs', request.logprobs));
  set('top_logprobs', keep('topLogprobs', request.topLogprobs));
  if (request.maxOutputTokens !== undefined) {
    set(
      reasoning && compatibility.maxCompletionTokens ? 'max_completion_tokens' : 'max_tokens',
      request.maxOutputTokens,
    );
  }
  set('stop', request.stop);
  set('seed', request.seed);
  set('n', request.n);
  set('user', request.user);
  if (request.serviceTier !== undefined) {
    if (unsupported.includes('service-tier'))
      warnings.push({
        type: 'unsupported-setting',
        setting: 'serviceTier',
        message: `${context.provider} does not support service tiers; it was not sent`,
      });
    else set('service_tier', request.serviceTier);
  }
  if (request.reasoningEffort !== undefined) {
    if (!reasoning || unsupported.includes('reasoning-effort')) {
      warnings.push({
        type: 'unsupported-setting',
        setting: 'reasoningEffort',
        message: `${model} does not take a reasoning effort; it was not sent`,
      });
    } else set('reasoning_effort', request.reasoningEffort);
  }
  if (request.tools?.length) {
    params.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.parameters === undefined ? {} : { parameters: tool.parameters }),
        ...(tool.description === undefined ? {} : { description: tool.description }),
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      },
    }));
  }
  const choice = request.toolChoice;
  if (choice !== undefined)
    params.tool_choice =
      typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  set('parallel_tool_calls', request.parallelToolCalls);
  const format = request.responseFormat;
  if (format?.type === 'json_schema') {
    params.response_format = {
      type: 'json_schema',
      json_schema: {
        name: format.name,
        schema: format.schema,
        ...(format.strict === undefined ? {} : { strict: format.strict }),
        ...(format.description === undefined ? {} : { description: format.description }),
      },
    };
  } else if (format) params.response_format = { type: format.type };
  if (stream) {
    params.stream = true;
    if (compatibility.streamUsage) params.stream_options = { include_usage: true };
  }
  Object.assign(params, request.providerOptions?.openai);
  return { params: params as unknown as Params, warnings };
}
