import { type ChatRequest, InvalidRequestError, PlyError, validateChatRequest } from '@ply/core';
import type { PlaygroundStack } from '../stack/playground-stack.js';

/** What `/api/chat`, `/api/estimate` and `/api/export` take: a target and a ply request. */
export interface ChatInput {
  /** `provider:model`, as the registry resolves it. */
  target: string;
  providerId: string;
  model: string;
  /** The request with `model` filled from the target. */
  request: ChatRequest;
  stream: boolean;
}

/** The `ChatRequest` fields the page may send; anything else is a typo worth reporting. */
const REQUEST_FIELDS: ReadonlySet<string> = new Set([
  'messages',
  'tools',
  'toolChoice',
  'parallelToolCalls',
  'responseFormat',
  'temperature',
  'topP',
  'maxOutputTokens',
  'stop',
  'seed',
  'n',
  'presencePenalty',
  'frequencyPenalty',
  'logitBias',
  'logprobs',
  'topLogprobs',
  'user',
  'reasoningEffort',
  'serviceTier',
]);

const BODY_FIELDS: ReadonlySet<string> = new Set(['target', 'request', 'stream']);

function invalid(field: string, problem: string): never {
  throw new InvalidRequestError(`${field}: ${problem}`, { field, status: 400 });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a body from the page before anything is sent, with a typed error naming the
 * field (`target`, `request.messages[0].role`...): the same checks a provider would make,
 * but reported against the API's own field names.
 */
export function parseChatInput(body: unknown, stack: PlaygroundStack): ChatInput {
  if (!isRecord(body)) invalid('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!BODY_FIELDS.has(key)) invalid(key, 'is not a field of this endpoint');
  }
  const { target, request, stream } = body;
  if (typeof target !== 'string' || target.trim() === '') {
    invalid('target', 'must be a "provider:model" id such as simulator:gpt-4o-mini');
  }
  const separator = target.indexOf(':');
  const providerId = target.slice(0, separator);
  const model = target.slice(separator + 1);
  if (separator <= 0 || model === '') {
    invalid('target', `must be "provider:model"; got "${target}"`);
  }
  if (!stack.registry.has(providerId)) {
    const known = stack.registry.ids().join(', ');
    invalid('target', `no provider "${providerId}" is registered (known: ${known})`);
  }
  if (stream !== undefined && typeof stream !== 'boolean') invalid('stream', 'must be a boolean');
  if (!isRecord(request)) invalid('request', 'must be a chat request object');
  for (const key of Object.keys(request)) {
    if (key === 'model') invalid('request.model', 'the model comes from `target` (provider:model)');
    if (!REQUEST_FIELDS.has(key)) invalid(`request.${key}`, 'is not a ChatRequest field');
  }
  const chatRequest = { ...request, model } as unknown as ChatRequest;
  try {
    validateChatRequest(chatRequest);
  } catch (error) {
    if (InvalidRequestError.isInstance(error) && error.field !== undefined) {
      const problem = error.message.startsWith(`${error.field}: `)
        ? error.message.slice(error.field.length + 2)
        : error.message;
      invalid(`request.${error.field}`, problem);
    }
    throw PlyError.isInstance(error) ? error : new InvalidRequestError(String(error));
  }
  return { target, providerId, model, request: chatRequest, stream: stream ?? true };
}
