import type { TokenEstimate } from '@ply/core';
import { longRunCuts, splitAt } from '@ply/core/internals';
import { encoderFor, encodingForModel, type TokenEncodingName } from './encoding.js';

/** Called once for every call into the WASM encoder, with the text it encodes. */
export type EncodeListener = (encoding: TokenEncodingName, text: string) => void;

/**
 * Tokens in `text` with one encoding. Special-token text such as `<|endoftext|>` is
 * counted as the plain characters it is. `exact` is false only when an overlong run had
 * to be cut where the pre-tokenizer would not: a BPE merge across such a cut can differ
 * by a token.
 */
export function countWithEncoding(
  encoding: TokenEncodingName,
  text: string,
  onEncode?: EncodeListener,
): TokenEstimate {
  if (text.length === 0) return { tokens: 0, exact: true };
  const encoder = encoderFor(encoding);
  const split = longRunCuts(text);
  if (split === undefined) {
    onEncode?.(encoding, text);
    return { tokens: encoder.encode_ordinary(text).length, exact: true };
  }
  // A long run of one character or a repeated pattern is cut into equal pieces: encode
  // each distinct piece once.
  const pieceTokens = new Map<string, number>();
  let tokens = 0;
  for (const piece of splitAt(text, split.cuts)) {
    let count = pieceTokens.get(piece);
    if (count === undefined) {
      onEncode?.(encoding, piece);
      count = encoder.encode_ordinary(piece).length;
      pieceTokens.set(piece, count);
    }
    tokens += count;
  }
  return { tokens, exact: split.exact };
}

/**
 * Tokens in `text` as `model` counts them (`o200k_base` when the model is unknown or not
 * given). Linear in the length, whatever the text: see `MAX_RUN_BYTES` in `@ply/core`.
 */
export function countTokens(text: string, model?: string): TokenEstimate {
  return countWithEncoding(encodingForModel(model), text);
}
