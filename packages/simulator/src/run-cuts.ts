/**
 * A run of whitespace or of non-whitespace longer than this many UTF-16 units is encoded in
 * pieces. tiktoken's BPE is quadratic in the length of one pre-token and an unbroken run can
 * be one: 100 KB of one letter takes seconds in the WASM encoder and 1 MB crashes it
 * (`RuntimeError: unreachable`). Natural text has no such runs, so its counts stay exact.
 */
export const MAX_EXACT_RUN = 1000;

/**
 * A long run with no split point within `MAX_EXACT_RUN` units is cut into pieces this long:
 * short pieces keep the encoder near its linear speed.
 */
const PIECE = 256;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** ASCII punctuation but the apostrophe, which can continue a word (`'s`, `'ll`). */
function isPunctuation(code: number): boolean {
  return (
    (code >= 0x21 && code <= 0x2f && code !== 0x27) ||
    (code >= 0x3a && code <= 0x40) ||
    (code >= 0x5b && code <= 0x60) ||
    (code >= 0x7b && code <= 0x7e)
  );
}

function isAlphanumeric(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a)
  );
}

/**
 * Where the piece of a run that starts at `start` ends. At the last split point within
 * `MAX_EXACT_RUN` units, ASCII punctuation after a letter or digit: tiktoken's pre-tokenizer
 * splits there anyway, so the pieces count what the whole would (base64, URLs, minified
 * code). With none, `PIECE` units on, never inside a surrogate pair.
 */
function pieceEnd(text: string, start: number, runEnd: number): number {
  if (runEnd - start <= MAX_EXACT_RUN) return runEnd;
  for (let at = start + MAX_EXACT_RUN; at > start + 1; at--) {
    if (isPunctuation(text.charCodeAt(at)) && isAlphanumeric(text.charCodeAt(at - 1))) return at;
  }
  const limit = start + PIECE;
  return isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit;
}

/**
 * JavaScript's `\s`. tiktoken's `\s` differs in two rare characters (U+0085, U+FEFF), which
 * moves where a run ends, and so only where a long run may be cut.
 */
function isWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Offsets at which to split `text` before encoding, ascending; empty for natural text. One
 * pass, linear in the length (a regular expression for the runs overflows the stack on
 * megabytes).
 */
export function runCuts(text: string): number[] {
  const cuts: number[] = [];
  if (text.length <= MAX_EXACT_RUN) return cuts;
  let runStart = 0;
  while (runStart < text.length) {
    const whitespace = isWhitespace(text.charCodeAt(runStart));
    let runEnd = runStart + 1;
    while (runEnd < text.length && isWhitespace(text.charCodeAt(runEnd)) === whitespace) runEnd++;
    if (runEnd - runStart > MAX_EXACT_RUN) {
      for (let at = pieceEnd(text, runStart, runEnd); at < runEnd; at = pieceEnd(text, at, runEnd))
        cuts.push(at);
    }
    runStart = runEnd;
  }
  return cuts;
}
