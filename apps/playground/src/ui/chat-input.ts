import type { ChatRequest } from '@ply/core';
import { validateChatRequestAs } from '../gateway/core-field-to-wire.js';
import { invalidField, isObject } from '../gateway/wire-fields.js';
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

/**
 * Checks a body from the page before anything is sent, with a typed error naming the
 * field (`target`, `request.messages[0].role`...): the same checks a provider would make,
 * but reported against the API's own field names.
 */
export function parseChatInput(body: unknown, stack: PlaygroundStack): ChatInput {
  if (!isObject(body)) invalidField('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!BODY_FIELDS.has(key)) invalidField(key, 'is not a field of this endpoint');
  }
  const { target, request, stream } = body;
  if (typeof target !== 'string' || target.trim() === '') {
    invalidField('target', 'must be a "provider:model" id such as simulator:gpt-4o-mini');
  }
  // Core's grammar, with both parts required: the page always names them.
  let resolved: { providerId: string; model: string | undefined };
  try {
    resolved = stack.registry.resolve(target);
  } catch {
    const known = stack.registry.ids().join(', ');
    invalidField(
      'target',
      `must be "provider:model" of a registered provider (known: ${known}); got "${target}"`,
    );
  }
  const { providerId, model } = resolved;
  if (model === undefined || !target.startsWith(`${providerId}:`)) {
    invalidField('target', `must be "provider:model"; got "${target}"`);
  }
  if (stream !== undefined && typeof stream !== 'boolean') {
    invalidField('stream', 'must be a boolean');
  }
  if (!isObject(request)) invalidField('request', 'must be a chat request object');
  for (const key of Object.keys(request)) {
    if (key === 'model') {
      invalidField('request.model', 'the model comes from `target` (provider:model)');
    }
    if (!REQUEST_FIELDS.has(key)) invalidField(`request.${key}`, 'is not a ChatRequest field');
  }
  const chatRequest = { ...request, model } as unknown as ChatRequest;
  // Core's checks, with the field named as the page sent it (`request.messages[0].role`).
  validateChatRequestAs(chatRequest, (field) => `request.${field}`);
  return { target, providerId, model, request: chatRequest, stream: stream ?? true };
}
