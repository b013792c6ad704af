import { get_encoding, type Tiktoken } from 'tiktoken';

/** The two BPE encodings OpenAI's chat and embedding models use. */
export type TokenEncodingName = 'o200k_base' | 'cl100k_base';

/** For names no rule matches: every model since gpt-4o uses it. */
export const DEFAULT_ENCODING: TokenEncodingName = 'o200k_base';

/** gpt-4o, gpt-4.1, gpt-4.5, the o-series, gpt-5 and later, codex and gpt-oss. */
const O200K = /^(gpt-4o|chatgpt-4o|gpt-4\.[1-9]|o[1-9]|gpt-[5-9]|gpt-\d\d|codex-|gpt-oss)/;
/** gpt-4 (not 4o/4.x), gpt-4-turbo, gpt-3.5-turbo, the embeddings, davinci-002/babbage-002. */
const CL100K =
  /^(gpt-4(-|$)|gpt-3\.5|gpt-35-|text-embedding-3-|text-embedding-ada-002|ada-002|davinci-002|babbage-002)/;

/**
 * The model id without the fine-tuning wrapper: `ft:gpt-4o-mini:org::id` counts as
 * `gpt-4o-mini:org::id`, which matches the rules of `gpt-4o-mini` by prefix.
 */
export function baseModelName(model: string): string {
  return model.startsWith('ft:') ? model.slice(3) : model;
}

/**
 * The encoding a model uses, matched by prefix so that dated snapshots
 * (`gpt-4o-2024-08-06`), fine-tuned models (`ft:gpt-4o-mini:org::id`) and newer names
 * resolve; `o200k_base` for anything unknown.
 */
export function encodingForModel(model?: string): TokenEncodingName {
  if (model === undefined) return DEFAULT_ENCODING;
  const base = baseModelName(model);
  if (O200K.test(base)) return 'o200k_base';
  if (CL100K.test(base)) return 'cl100k_base';
  return DEFAULT_ENCODING;
}

/** True when a rule names the model's family, so the chat framing rules are known for it. */
export function isKnownChatModel(model: string): boolean {
  const base = baseModelName(model);
  return O200K.test(base) || /^(gpt-4(-|$)|gpt-3\.5|gpt-35-)/.test(base);
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
