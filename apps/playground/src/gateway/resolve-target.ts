import { InvalidRequestError, ProviderNotFoundError, type ProviderRegistry } from '@ply/core';

export interface GatewayTarget {
  providerId: string;
  /** Undefined: the provider's own default model. */
  model: string | undefined;
  /** What the registry takes: `provider:model`, or `provider` alone. */
  target: string;
}

function split(id: string): { head: string; rest: string | undefined } {
  const colon = id.indexOf(':');
  return colon === -1
    ? { head: id, rest: undefined }
    : { head: id.slice(0, colon), rest: id.slice(colon + 1) };
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
  const fallback = split(defaultTarget);
  if (model === undefined) return targetOf(fallback.head, fallback.rest || undefined);
  const { head, rest } = split(model);
  if (rest === undefined || (head === 'ft' && !registry.has(head))) {
    return targetOf(fallback.head, model);
  }
  if (!registry.has(head)) {
    throw new ProviderNotFoundError(
      `The model "${model}" names provider "${head}", which is not registered. Registered: ${registry.ids().join(', ')}`,
      { status: 404 },
    );
  }
  if (rest === '') {
    throw new InvalidRequestError(`model: "${model}" names no model after the colon`, {
      field: 'model',
    });
  }
  return targetOf(head, rest);
}
