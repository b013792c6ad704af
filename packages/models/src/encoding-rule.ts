import type { TokenEncoding } from './types.js';

/** For names no rule matches: every model since gpt-4o uses it. */
export const DEFAULT_ENCODING: TokenEncoding = 'o200k_base';

/** gpt-4o, gpt-4.1, gpt-4.5, the o-series, gpt-5 and later, codex and gpt-oss. */
const O200K = /^(gpt-4o|chatgpt-4o|gpt-4\.[1-9]|o[1-9]|gpt-[5-9]|gpt-\d\d|codex-|gpt-oss)/;
/** gpt-4 (not 4o/4.x), gpt-4-turbo, gpt-3.5-turbo, the embeddings, davinci-002/babbage-002. */
const CL100K =
  /^(gpt-4(-|$)|gpt-3\.5|gpt-35-|text-embedding-3-|text-embedding-ada-002|ada-002|davinci-002|babbage-002)/;

/**
 * The encoding OpenAI's naming gives a model the catalogue does not list, by prefix, so
 * new snapshots and fine-tunes (`ft:gpt-4o-mini:org::id`) of known generations count
 * right; undefined when no generation matches.
 */
export function encodingByName(model: string): TokenEncoding | undefined {
  const base = model
    .trim()
    .toLowerCase()
    .replace(/^openai[/:]/, '')
    .replace(/^ft:/, '');
  // cl100k first: Azure's `gpt-35-turbo` would otherwise pass for a gpt-NN generation.
  if (CL100K.test(base)) return 'cl100k_base';
  if (O200K.test(base)) return 'o200k_base';
  return undefined;
}
