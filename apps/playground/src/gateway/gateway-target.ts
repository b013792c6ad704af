import type { PlaygroundStack } from '../stack/playground-stack.js';

export interface GatewayTarget {
  /** What the registry takes. */
  target: string;
  providerId: string;
  /** Undefined: the provider's own default model. */
  model: string | undefined;
}

/**
 * The registry target of a wire `model`: as it is (`provider:model`, a bare model or a
 * fine-tuned `ft:` id for the default provider, in core's one grammar), or the configured
 * default target when the request names none. An unknown provider fails here, typed.
 */
export function gatewayTarget(stack: PlaygroundStack, model: string | undefined): GatewayTarget {
  const target = model ?? stack.config.defaultTarget;
  const resolved = stack.registry.resolve(target);
  return { target, providerId: resolved.providerId, model: resolved.model };
}
