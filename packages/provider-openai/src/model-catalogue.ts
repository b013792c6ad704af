import { defaultCatalogue, type ModelCatalogue } from '@ply/models';

/**
 * Reasoning models take `max_completion_tokens`, `developer` messages and no sampling
 * knobs: the catalogue says which; a name it does not list (`o3-pro`, `gpt-5-codex`) goes
 * by its generation, since the wire format must be right even for a model ply has no
 * prices for.
 */
export function isReasoningModel(
  model: string,
  catalogue: ModelCatalogue = defaultCatalogue,
): boolean {
  return (
    catalogue.resolve(model)?.capabilities.reasoning ??
    /^(o\d|gpt-[5-9]|gpt-\d\d)/.test(model.trim().toLowerCase().replace(/^ft:/, ''))
  );
}
