import { ConfigurationError } from '@ply/core';
import { deepFreeze } from './deep-freeze.js';
import { DEFAULT_ENCODING, encodingByName } from './encoding-rule.js';
import { DEFAULT_CAPABILITIES } from './openai-model-kinds.js';
import { OPENAI_MODEL_TABLE } from './openai-models.js';
import {
  type LongContextPrices,
  type ModelEntry,
  type ModelPrices,
  type ModelRegistration,
  type ModelTable,
  PRICING_TIERS,
  type TierPrices,
  type TokenEncoding,
  type TokenRates,
} from './types.js';

/** What `overridePrice` takes: per tier, the rates to change; `longContext` likewise. */
export interface PriceOverride extends TierPrices {
  longContext?: TierPrices & { aboveInputTokens?: number };
}

/**
 * What may follow a family id for a name to be one of its snapshots: dates (`-2024-08-06`),
 * four-digit snapshots (`-0613`), `-preview` and `-latest`, in any sequence. Anything else
 * (`-pro`, `-nano`, `-realtime-preview`, `-32k`) is a different model with its own prices.
 */
const SNAPSHOT_SUFFIX = /^(?:-(?:\d{4}-\d{2}-\d{2}|\d{4}|preview|latest))*$/;

/** Prefixes that name the provider or a fine-tune rather than the model. */
const NAME_PREFIXES = ['openai/', 'openai:'];
const FINE_TUNE_PREFIX = 'ft:';

/** Names remembered with what they resolved to; past this many, the memory starts over. */
const RESOLVED_NAMES_KEPT = 1_000;

/** True when `rest`, what follows a catalogue key in a name, keeps the name in that family. */
function continuesFamily(rest: string): boolean {
  if (rest === '' || rest.startsWith(':')) return true;
  const colon = rest.indexOf(':');
  return SNAPSHOT_SUFFIX.test(colon === -1 ? rest : rest.slice(0, colon));
}

/** The names to try for `model`, most specific first: as given, then without `ft:`. */
function candidateNames(model: string): string[] {
  let name = model.trim().toLowerCase();
  for (const prefix of NAME_PREFIXES) {
    if (name.startsWith(prefix)) name = name.slice(prefix.length);
  }
  const names = [name];
  if (name.startsWith(FINE_TUNE_PREFIX)) names.push(name.slice(FINE_TUNE_PREFIX.length));
  return names;
}

function checkRates(model: string, where: string, rates: TokenRates | undefined): void {
  if (rates === undefined) return;
  for (const [kind, rate] of Object.entries(rates)) {
    if (rate !== undefined && !(typeof rate === 'number' && Number.isFinite(rate) && rate >= 0)) {
      throw new ConfigurationError(
        `${model}: ${where}.${kind} must be a finite, non-negative price per 1M tokens, got ${String(rate)}`,
      );
    }
  }
}

function checkPrices(model: string, prices: ModelPrices): void {
  for (const tier of PRICING_TIERS) checkRates(model, tier, prices[tier]);
  const long = prices.longContext;
  if (long !== undefined) {
    if (!(Number.isInteger(long.aboveInputTokens) && long.aboveInputTokens > 0)) {
      throw new ConfigurationError(
        `${model}: longContext.aboveInputTokens must be a positive integer, got ${String(long.aboveInputTokens)}`,
      );
    }
    for (const tier of PRICING_TIERS) checkRates(model, `longContext.${tier}`, long[tier]);
  }
}

function mergeTiers<T extends TierPrices>(base: T, override: TierPrices): T {
  const merged: T = { ...base };
  for (const tier of PRICING_TIERS) {
    const rates = override[tier];
    if (rates !== undefined) merged[tier] = { ...base[tier], ...rates };
  }
  return merged;
}

/** Ids and aliases are matched lower-cased. */
function normalise(entry: ModelEntry): ModelEntry {
  entry.id = entry.id.trim().toLowerCase();
  if (entry.aliases !== undefined) {
    entry.aliases = entry.aliases.map((alias) => alias.trim().toLowerCase());
  }
  return entry;
}

/**
 * Model families with their prices and limits. Names resolve to a family: exactly, through an
 * alias, or as a snapshot or fine-tune of the longest id they start with (`gpt-4o-2024-08-06`
 * and `ft:gpt-4o-mini:org::id` resolve; `gpt-4o-mini` is its own family, never `gpt-4o`).
 * Prices change: the table carries `asOf` and `source`, and `registerModel` / `overridePrice`
 * adjust it at run time.
 */
export class ModelCatalogue {
  readonly asOf: string;
  readonly source: readonly string[];
  readonly #entries = new Map<string, ModelEntry>();
  /** Lower-cased id or alias → entry id. */
  readonly #keys = new Map<string, string>();
  /** Keys, longest first, built on demand. */
  #sortedKeys: string[] | undefined;
  /** Names already resolved (`null`: to nothing), so a call pays one map lookup. */
  readonly #resolved = new Map<string, ModelEntry | null>();

  constructor(table: ModelTable = OPENAI_MODEL_TABLE) {
    this.asOf = table.asOf;
    this.source = [...table.source];
    for (const entry of table.models) {
      checkPrices(entry.id, entry.prices);
      this.#store(normalise(structuredClone(entry)));
    }
  }

  /** Every entry, in registration order (frozen: change them through this catalogue). */
  models(): ModelEntry[] {
    return [...this.#entries.values()];
  }

  /**
   * The entry `model` resolves to, or undefined when none is known. Resolves the id itself,
   * an alias, dated snapshots (`-2024-08-06`, `-0613`, `-preview`, `-latest`) and fine-tunes
   * (`ft:gpt-4o-mini:org::id`) of the longest matching id; other suffixes (`-pro`, `-nano`,
   * `-realtime-preview`) are different models and stay unknown, so they are never given
   * another model's prices or limits. This is the one rule every ply package resolves by.
   */
  resolve(model: string | undefined): ModelEntry | undefined {
    if (typeof model !== 'string') return undefined;
    const known = this.#resolved.get(model);
    if (known !== undefined) return known ?? undefined;
    const entry = this.#find(model);
    if (this.#resolved.size >= RESOLVED_NAMES_KEPT) this.#resolved.clear();
    this.#resolved.set(model, entry ?? null);
    return entry;
  }

  /** True when `entry` is this catalogue's current entry for its id (not a stale copy). */
  owns(entry: object | undefined): entry is ModelEntry {
    const id = (entry as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' && this.#entries.get(id) === entry;
  }

  /**
   * The tokenizer encoding of `model`: its entry's, else the one its name's generation
   * uses (`encodingByName`), else `o200k_base`.
   */
  encodingFor(model: string | undefined): TokenEncoding {
    if (model === undefined) return DEFAULT_ENCODING;
    return this.resolve(model)?.encoding ?? encodingByName(model) ?? DEFAULT_ENCODING;
  }

  /**
   * Adds a model, or replaces the one with the same id. Omitted fields default to
   * `o200k_base`, provider `openai` and chat capabilities. Returns the stored entry.
   */
  registerModel(registration: ModelRegistration): ModelEntry {
    const id = registration.id.trim().toLowerCase();
    if (id === '') throw new ConfigurationError('registerModel: id must not be empty');
    checkPrices(id, registration.prices);
    const { capabilities, encoding, provider, ...rest } = registration;
    const entry = normalise({
      ...structuredClone(rest),
      id,
      provider: provider ?? 'openai',
      encoding: encoding ?? DEFAULT_ENCODING,
      capabilities: { ...DEFAULT_CAPABILITIES, ...capabilities },
    });
    const previous = this.#entries.get(id);
    if (previous !== undefined) this.#remove(previous);
    return this.#store(entry);
  }

  /**
   * Changes the prices of the entry `model` resolves to, tier by tier: the rates given replace
   * those of that tier, the others stay. `longContext` merges the same way (its threshold
   * too). Throws a `ConfigurationError` when `model` resolves to nothing (use `registerModel`).
   */
  overridePrice(model: string, prices: PriceOverride): ModelEntry {
    const entry = this.resolve(model);
    if (entry === undefined) {
      throw new ConfigurationError(
        `overridePrice: no model resolves from "${model}"; add it with registerModel`,
      );
    }
    const merged: ModelPrices = mergeTiers(entry.prices, prices);
    const long = prices.longContext;
    if (long !== undefined) {
      const aboveInputTokens = long.aboveInputTokens ?? entry.prices.longContext?.aboveInputTokens;
      if (aboveInputTokens === undefined) {
        throw new ConfigurationError(
          `overridePrice: ${entry.id} has no long-context tier yet; give longContext.aboveInputTokens`,
        );
      }
      const base: LongContextPrices = entry.prices.longContext ?? { aboveInputTokens };
      merged.longContext = { ...mergeTiers(base, long), aboveInputTokens };
    }
    checkPrices(entry.id, merged);
    const updated = deepFreeze({ ...entry, prices: structuredClone(merged) });
    this.#entries.set(entry.id, updated);
    this.#resolved.clear();
    return updated;
  }

  #find(model: string): ModelEntry | undefined {
    for (const name of candidateNames(model)) {
      const exact = this.#keys.get(name);
      if (exact !== undefined) return this.#entries.get(exact);
      for (const key of this.#sorted()) {
        if (name.startsWith(key) && continuesFamily(name.slice(key.length))) {
          const id = this.#keys.get(key);
          return id === undefined ? undefined : this.#entries.get(id);
        }
      }
    }
    return undefined;
  }

  #sorted(): string[] {
    this.#sortedKeys ??= [...this.#keys.keys()].sort((a, b) => b.length - a.length);
    return this.#sortedKeys;
  }

  #store(entry: ModelEntry): ModelEntry {
    deepFreeze(entry);
    this.#entries.set(entry.id, entry);
    for (const key of [entry.id, ...(entry.aliases ?? [])]) this.#keys.set(key, entry.id);
    this.#sortedKeys = undefined;
    this.#resolved.clear();
    return entry;
  }

  #remove(entry: ModelEntry): void {
    this.#entries.delete(entry.id);
    for (const [key, id] of this.#keys) if (id === entry.id) this.#keys.delete(key);
    this.#sortedKeys = undefined;
    this.#resolved.clear();
  }
}

/** The built-in OpenAI catalogue: what the adapter, cost and the simulator read by default. */
export const defaultCatalogue: ModelCatalogue = new ModelCatalogue();
