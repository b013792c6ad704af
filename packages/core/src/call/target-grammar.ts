import { InvalidRequestError } from '../errors/api-errors.js';
import { ProviderNotFoundError } from '../errors/setup-errors.js';
import { describe, invalid } from '../validation/invalid.js';

/** A target split into the provider it goes to and the model it names. */
export interface ParsedTarget {
  providerId: string;
  /** Undefined when the target names only a provider: its default model. */
  model: string | undefined;
}

export interface TargetGrammarContext {
  /** Whether `id` is a registered provider. */
  isProvider(id: string): boolean;
  /** Where a bare model goes; without one, a bare model is an unknown provider. */
  defaultProvider?: string;
  /** The registered ids, named in the error for an unknown one. */
  providerIds?(): readonly string[];
}

/** Fine-tuned model ids hold colons of their own: `ft:gpt-4o-mini:org::id`. */
const FINE_TUNE_PREFIX = 'ft';

/**
 * ply's one grammar for naming a call's target:
 * - `provider:model`: that provider, that model (the model may hold colons);
 * - `provider`: that provider's default model;
 * - `model`, or a fine-tuned `ft:...` id: the default provider with that model (unless a
 *   provider is registered under the same name).
 * A prefix that is not a registered provider (and not `ft`) is an error naming the
 * registered ones, never silently a model; `provider:` alone names no model.
 */
export function parseTarget(target: unknown, context: TargetGrammarContext): ParsedTarget {
  if (typeof target !== 'string' || target === '') {
    invalid(
      'target',
      `must be a "provider", "provider:model" or "model" string, got ${describe(target)}`,
    );
  }
  const colon = target.indexOf(':');
  if (colon === -1) {
    if (context.isProvider(target)) return { providerId: target, model: undefined };
    return toDefault(target, target, context);
  }
  const prefix = target.slice(0, colon);
  if (context.isProvider(prefix)) {
    const model = target.slice(colon + 1);
    if (model === '') {
      throw new InvalidRequestError(`"${target}" names no model after the colon`, {
        field: 'model',
      });
    }
    return { providerId: prefix, model };
  }
  if (prefix === FINE_TUNE_PREFIX) return toDefault(target, target, context);
  throw notFound(prefix, target, context);
}

function toDefault(model: string, target: string, context: TargetGrammarContext): ParsedTarget {
  const provider = context.defaultProvider;
  if (provider === undefined || !context.isProvider(provider))
    throw notFound(model, target, context);
  return { providerId: provider, model };
}

function notFound(
  id: string,
  target: string,
  context: TargetGrammarContext,
): ProviderNotFoundError {
  const known = context.providerIds?.() ?? [];
  return new ProviderNotFoundError(
    `target "${target}": No provider is registered as "${id}". Registered: ${known.length ? known.join(', ') : '(none)'}`,
  );
}
