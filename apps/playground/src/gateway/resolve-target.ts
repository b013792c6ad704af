import { InvalidRequestError, ProviderNotFoundError, type ProviderRegistry } from '@ply/core';
import { parseTarget } from '../stack/target.js';

export interface GatewayTarget {
  providerId: string;
  /** Undefined: the provider's own default model. */
  model: string | undefined;
  /** What the registry takes: `provider:model`, or `provider` alone. */
  target: string;
}

function targetOf(providerId: string, model: string | undefined): GatewayTarget {
  return { providerId, model, target: model === undefined ? providerId : `${providerId}:${model}` };
}

/**
 * The wire `model` as a registry target. `provider:model` picks a provider; a bare model
 * goes to the default target's provider; no model means the default target itself.
 * Fine-tuned ids (`ft:gpt-4o-mini:org::id`) hold colons of their own: a prefix that is not
 * a registered provider is an error, except `ft`, which is a bare model.
 */
export function resolveTarget(
  registry: ProviderRegistry,
  defaultTarget: string,
  model: string | undefined,
): GatewayTarget {
  const fallback = parseTarget(defaultTarget);
  if (model === undefined) return targetOf(fallback.providerId, fallback.model);
  const named = parseTarget(model);
  if (!model.includes(':') || (named.providerId === 'ft' && !registry.has('ft'))) {
    return targetOf(fallback.providerId, model);
  }
  if (!registry.has(named.providerId)) {
    throw new ProviderNotFoundError(
      `The model "${model}" names provider "${named.providerId}", which is not registered. Registered: ${registry.ids().join(', ')}`,
      { status: 404 },
    );
  }
  if (named.model === undefined) {
    throw new InvalidRequestError(`model: "${model}" names no model after the colon`, {
      field: 'model',
    });
  }
  return targetOf(named.providerId, named.model);
}
