import { redactSecrets } from '@ply/core';
import { defaultCatalogue, type ModelCatalogue } from '@ply/models';

/** A model name from outside the catalogue becomes a label only in this shape. */
const LABEL_SHAPE = /^[A-Za-z0-9._:/-]{1,64}$/;
/** Distinct names from outside the catalogue kept as labels; the rest are `other`. */
const DEFAULT_MAX_UNKNOWN = 50;

/**
 * Bounds the `model` label. A provider id is one the registry knows; a model the
 * catalogue knows is named by its catalogue id (snapshots and fine-tunes fold into their
 * family); any other name (an OpenAI-compatible server's own model, or whatever a client
 * typed) is kept only in a safe shape, never key-shaped, once an upstream has answered a
 * call for it, and only for the first `maxUnknown` such names. So no client can grow the
 * series without limit, crowd out real models with names that fail, or put a key into them.
 */
export class ModelLabels {
  readonly #catalogue: ModelCatalogue;
  readonly #maxUnknown: number;
  readonly #unknown = new Set<string>();
  readonly #redact: (text: string) => string;

  /** `redact` masks the secrets the server knows (its keys), not only key-shaped text. */
  constructor(
    options: {
      catalogue?: ModelCatalogue;
      maxUnknown?: number;
      redact?: (text: string) => string;
    } = {},
  ) {
    this.#catalogue = options.catalogue ?? defaultCatalogue;
    this.#maxUnknown = options.maxUnknown ?? DEFAULT_MAX_UNKNOWN;
    this.#redact = options.redact ?? ((text) => redactSecrets(text));
  }

  /**
   * `provider:model`, `provider` alone when the call named no model, `unknown` without a
   * provider. `answered`: an upstream answered this call, so its name may become a label.
   */
  of(providerId: string | undefined, model: string | undefined, answered: boolean): string {
    if (providerId === undefined) return 'unknown';
    if (model === undefined || model === '') return providerId;
    const entry = this.#catalogue.resolve(model);
    if (entry !== undefined) return `${providerId}:${entry.id}`;
    const label = `${providerId}:${model}`;
    if (!LABEL_SHAPE.test(model) || this.#redact(model) !== model) return `${providerId}:other`;
    if (this.#unknown.has(label)) return label;
    if (!answered || this.#unknown.size >= this.#maxUnknown) return `${providerId}:other`;
    this.#unknown.add(label);
    return label;
  }
}
