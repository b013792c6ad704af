import type { PlaygroundStack } from '../stack/playground-stack.js';
import { parseTarget } from '../stack/target.js';

/**
 * The key the resilience layer keeps a deployment's circuit under: the provider's base URL
 * and the model (`http://simulator.invalid/v1|gpt-4o-mini`). Undefined for an unknown provider.
 */
export function circuitKey(
  stack: PlaygroundStack,
  providerId: string,
  model: string,
): string | undefined {
  const provider = stack.providers.find((entry) => entry.id === providerId);
  if (provider === undefined) return undefined;
  return `${provider.baseURL || provider.id}|${model}`;
}

/** `circuitKey` for a `provider:model` id; undefined when it names no model. */
export function circuitKeyForTarget(stack: PlaygroundStack, target: string): string | undefined {
  const { providerId, model } = parseTarget(target);
  if (providerId === '' || model === undefined) return undefined;
  return circuitKey(stack, providerId, model);
}
