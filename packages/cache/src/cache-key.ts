import { createHash } from 'node:crypto';
import type { ChatRequest, EmbedRequest, ResolvedCall } from '@ply/core';
import { canonicalJson } from './canonical-json.js';

/** The layout of what is hashed: bumped when it changes, so old entries are not misread. */
const KEY_VERSION = 1;

/**
 * Request fields that do not change the answer: end-user ids for abuse monitoring, the
 * service tier (it changes the price and the speed, not the text), and OpenAI's own
 * prompt-cache routing, storage and tagging options.
 */
const IGNORED_REQUEST_FIELDS = ['user', 'serviceTier'] as const;
const IGNORED_PROVIDER_OPTIONS = new Set([
  'prompt_cache_key',
  'prompt_cache_retention',
  'metadata',
  'store',
  'user',
  'safety_identifier',
  'service_tier',
]);

/** The provider options that can change the answer, per provider; none left: undefined. */
function answerProviderOptions(options: ChatRequest['providerOptions']) {
  if (options === undefined) return undefined;
  const kept: Record<string, Record<string, unknown>> = {};
  for (const [provider, fields] of Object.entries(options)) {
    if (fields === undefined) continue;
    const answer = Object.entries(fields).filter(([name]) => !IGNORED_PROVIDER_OPTIONS.has(name));
    if (answer.length > 0) kept[provider] = Object.fromEntries(answer);
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** A request as far as its answer depends on it, with defaults written out. */
function normalised(request: ChatRequest | EmbedRequest): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...request };
  for (const field of IGNORED_REQUEST_FIELDS) delete copy[field];
  copy.providerOptions = answerProviderOptions(request.providerOptions);
  if ('messages' in request) {
    if (request.n === 1) delete copy.n;
    if (typeof request.stop === 'string') copy.stop = [request.stop];
  } else if (typeof request.input === 'string') {
    // One text and a list of one text answer alike, but in different shapes: kept apart.
    copy.input = { one: request.input };
  }
  return copy;
}

/**
 * The cache key of a call: a SHA-256 of its kind (complete, stream and embed answers are
 * stored apart), where it goes (the credential-free endpoint and the resolved model), an
 * optional namespace, and the request normalised. Metadata, signals, headers and
 * timeouts are not part of the request and never reach the key.
 */
export function cacheKeyOf(call: ResolvedCall, namespace = ''): string {
  const hashed = canonicalJson({
    v: KEY_VERSION,
    namespace,
    kind: call.kind,
    endpoint: call.target.endpoint,
    model: call.target.model,
    request: normalised({ ...call.request, model: undefined }),
  });
  return `${call.kind}:${createHash('sha256').update(hashed).digest('hex')}`;
}
