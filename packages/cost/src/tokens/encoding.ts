import {
  DEFAULT_ENCODING,
  defaultCatalogue,
  encodingByName,
  type TokenEncoding,
} from '@ply/models';
import { get_encoding, type Tiktoken } from 'tiktoken';

/** The two BPE encodings OpenAI's chat and embedding models use. */
export type TokenEncodingName = TokenEncoding;

export { DEFAULT_ENCODING };

/**
 * The model id without the fine-tuning wrapper: `ft:gpt-4o-mini:org::id` counts as
 * `gpt-4o-mini:org::id`, which matches the rules of `gpt-4o-mini` by prefix.
 */
export function baseModelName(model: string): string {
  return model.startsWith('ft:') ? model.slice(3) : model;
}

/**
 * The encoding a model bills with, from the one catalogue (`@ply/models`): its entry's,
 * else its generation's by name, so dated snapshots, fine-tunes (`ft:gpt-4o-mini:org::id`)
 * and newer names count right; `o200k_base` for anything unknown.
 */
export function encodingForModel(model?: string): TokenEncodingName {
  return defaultCatalogue.encodingFor(model);
}

/** Prefixes of the non-chat models among those the generation rule knows. */
const NOT_CHAT = /^(text-embedding-|ada-|davinci-|babbage-)/;

/** True when a rule names the model's family, so the chat framing rules are known for it. */
export function isKnownChatModel(model: string): boolean {
  const base = baseModelName(model).trim().toLowerCase();
  return encodingByName(base) !== undefined && !NOT_CHAT.test(base);
}

const encoders = new Map<TokenEncodingName, Tiktoken>();

/**
 * One WASM encoder per encoding, created on first use (about 100 ms for o200k_base) and
 * kept for the life of the process: it is never freed, so no caller can free it under
 * another.
 */
export function encoderFor(encoding: TokenEncodingName): Tiktoken {
  let encoder = encoders.get(encoding);
  if (encoder === undefined) {
    encoder = get_encoding(encoding);
    encoders.set(encoding, encoder);
  }
  return encoder;
}
