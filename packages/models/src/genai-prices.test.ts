// ply keeps its own OpenAI prices: @pydantic/genai-prices (evaluated as the source, see
// the package README) has no batch, flex or priority rates. This test holds the two side
// by side for every OpenAI model both know, in both directions (each ply entry, and each
// genai-prices model id that ply resolves), and names each difference. A difference that
// appears or goes away fails here, so a price change on either side is seen and decided.
import { calcPrice, findProvider, type ModelPrice, TieredPrices } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from './model-catalogue.js';
import type { ModelEntry } from './types.js';

/** Rates ply keeps (standard tier) and the genai-prices key for each. */
const RATE_KEYS = [
  ['input', 'input_mtok'],
  ['cachedInput', 'cache_read_mtok'],
  ['cacheWrite', 'cache_write_mtok'],
  ['output', 'output_mtok'],
  ['audioInput', 'input_audio_mtok'],
  ['audioOutput', 'output_audio_mtok'],
] as const;

/** The date prices are compared at: genai-prices keeps dated price changes (o3's cut). */
const AS_OF = new Date('2026-11-15T00:00:00Z');

const show = (value: number | undefined) => (value === undefined ? '-' : String(value));

function genaiRate(
  price: ModelPrice,
  key: string,
): { base?: number; long?: number; from?: number } {
  const value = price[key];
  if (value === undefined) return {};
  if (value instanceof TieredPrices || typeof value === 'object') {
    const tiered = value as TieredPrices;
    const tier = tiered.tiers[0];
    return tier
      ? { base: tiered.base, long: tier.price, from: tier.start + 1 }
      : { base: tiered.base };
  }
  return { base: value };
}

/** Every difference between a ply entry and what genai-prices says of `name`, as text. */
function differences(name: string, entry: ModelEntry): string[] {
  const found = calcPrice({ input_tokens: 1 }, name, { providerId: 'openai', timestamp: AS_OF });
  if (!found) return [];
  const found_ = `${name} (ply ${entry.id}, genai-prices ${found.model.id})`;
  const out: string[] = [];
  for (const [ply, genai] of RATE_KEYS) {
    const theirs = genaiRate(found.model_price, genai);
    const ours = entry.prices.default?.[ply];
    if (ours !== theirs.base) out.push(`${found_}: ${ply} ${show(ours)} vs ${show(theirs.base)}`);
    const long = entry.prices.longContext;
    const oursLong = long?.default?.[ply];
    if (oursLong !== theirs.long) {
      out.push(`${found_}: long-context ${ply} ${show(oursLong)} vs ${show(theirs.long)}`);
    }
    if (ply === 'input' && theirs.from !== undefined && long?.aboveInputTokens !== undefined) {
      const from = long.aboveInputTokens + 1;
      if (from !== theirs.from) {
        out.push(`${found_}: long-context from ${from} vs ${theirs.from} prompt tokens`);
      }
    }
  }
  const window = found.model.context_window;
  if (window !== undefined && window !== entry.contextWindow) {
    out.push(`${found_}: context window ${show(entry.contextWindow)} vs ${window}`);
  }
  return out;
}

/** Both directions: ply's entries by their ids, genai-prices' OpenAI ids that ply resolves. */
function allDifferences(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const compare = (name: string, entry: ModelEntry | undefined) => {
    if (!entry || seen.has(name)) return;
    seen.add(name);
    out.push(...differences(name, entry));
  };
  for (const entry of defaultCatalogue.models()) compare(entry.id, entry);
  for (const model of findProvider({ providerId: 'openai' })?.models ?? []) {
    compare(model.id, defaultCatalogue.resolve(model.id));
  }
  return out.sort();
}

const pair = (name: string, ply = name) => `${name} (ply ${ply}, genai-prices ${name})`;

/**
 * Each known difference, and why ply keeps its own figure. Every standard rate of every
 * model both price agrees; what differs is below.
 */
const KNOWN_DIFFERENCES: string[] = [
  // OpenAI's model pages give 4,096 tokens for these; genai-prices gives gpt-3.5-turbo's.
  `${pair('gpt-3.5-turbo-0613')}: context window 4096 vs 16385`,
  `${pair('gpt-3.5-turbo-instruct')}: context window 4096 vs 16385`,
  // OpenAI publishes exact windows; genai-prices rounds them.
  `${pair('gpt-4-32k')}: context window 32768 vs 32000`,
  `${pair('gpt-4.1')}: context window 1047576 vs 1000000`,
  `${pair('gpt-4.1-mini')}: context window 1047576 vs 1000000`,
  `${pair('gpt-4.1-nano')}: context window 1047576 vs 1000000`,
  // genai-prices has no audio rates for it; LiteLLM's are kept.
  `${pair('gpt-4o-audio-preview')}: audioInput 40 vs -`,
  `${pair('gpt-4o-audio-preview')}: audioOutput 80 vs -`,
  // Not an id of OpenAI's API (OpenRouter's name for a long-output gpt-4o): ply reads the
  // part after the colon as a fine-tune suffix and bills it as gpt-4o.
  `gpt-4o:extended (ply gpt-4o, genai-prices gpt-4o:extended): cachedInput 1.25 vs -`,
  `gpt-4o:extended (ply gpt-4o, genai-prices gpt-4o:extended): input 2.5 vs 6`,
  `gpt-4o:extended (ply gpt-4o, genai-prices gpt-4o:extended): output 10 vs 18`,
  // The long-context boundary: ply follows its reference ("above 272k prompt tokens"),
  // genai-prices reads OpenAI's "<272K" as long-context from exactly 272,000. One token apart.
  `${pair('gpt-5.4')}: long-context from 272001 vs 272000 prompt tokens`,
  `${pair('gpt-5.5')}: long-context from 272001 vs 272000 prompt tokens`,
  // OpenAI's embeddings take 8,191 input tokens; genai-prices says 8,192.
  `${pair('text-embedding-3-large')}: context window 8191 vs 8192`,
  `${pair('text-embedding-3-small')}: context window 8191 vs 8192`,
  `${pair('text-embedding-ada-002')}: context window 8191 vs 8192`,
].sort();

describe('ply prices against @pydantic/genai-prices', () => {
  it('differ only where named', () => {
    expect(allDifferences()).toEqual(KNOWN_DIFFERENCES);
  });

  it('compares every model both know', () => {
    const both = defaultCatalogue
      .models()
      .filter((entry) => calcPrice({ input_tokens: 1 }, entry.id, { providerId: 'openai' }));
    expect(both.length).toBeGreaterThanOrEqual(25);
  });
});
