// Where to cut text before a BPE encoder sees it. tiktoken's pre-tokenizer splits text into
// runs of whitespace and of non-whitespace; BPE is quadratic in the length of one, so an
// overlong run is cut first. Shared by @ply/cost's counting and @ply/simulator's billing,
// so ply's estimate and the simulator's count agree on every input.

/**
 * The longest run of whitespace or of non-whitespace, in UTF-8 bytes, that is encoded in
 * one piece: 1,000 ASCII characters, about 333 CJK characters. BPE is quadratic in the
 * length of one pre-token (100 KB of one letter takes seconds in the WASM encoder, 1 MB
 * crashes it), and a run without whitespace can be a single pre-token. Natural text has no
 * such runs, so its counts stay exact.
 */
export const MAX_RUN_BYTES = 1000;

function isWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/**
 * UTF-8 bytes of the code unit at `index` as the encoder receives it: a surrogate pair
 * counts 2 + 2, a lone surrogate 3 (it is sent as U+FFFD).
 */
function utf8Bytes(text: string, index: number, code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  if (isHighSurrogate(code)) return isLowSurrogate(text.charCodeAt(index + 1)) ? 2 : 3;
  if (isLowSurrogate(code)) return isHighSurrogate(text.charCodeAt(index - 1)) ? 2 : 3;
  return 3;
}

/** ASCII punctuation other than the apostrophe, which can continue a word (`'s`, `'ll`). */
function isSafePunctuation(code: number): boolean {
  return (
    (code >= 0x21 && code <= 0x2f && code !== 0x27) ||
    (code >= 0x3a && code <= 0x40) ||
    (code >= 0x5b && code <= 0x60) ||
    (code >= 0x7b && code <= 0x7e)
  );
}

function isAsciiAlphanumeric(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a)
  );
}

export interface RunCuts {
  /** Offsets to cut at, ascending. */
  cuts: number[];
  /**
   * True when every cut falls where tiktoken's pre-tokenizer splits anyway (an ASCII letter
   * or digit followed by ASCII punctuation), so the pieces count exactly what the whole
   * text would: minified code, URLs and base64 stay exact.
   */
  exact: boolean;
}

/**
 * Where to cut `text` so that no run of whitespace or of non-whitespace is longer than
 * `maxBytes` UTF-8 bytes in one piece; `undefined` when no cut is needed. A cut goes at
 * the last pre-token boundary of the piece when there is one, else at the limit. One
 * pass, linear in the length; never cuts a surrogate pair.
 */
export function longRunCuts(text: string, maxBytes: number = MAX_RUN_BYTES): RunCuts | undefined {
  let result: RunCuts | undefined;
  let inSpace = false;
  let bytes = 0;
  let safe = -1;
  let bytesBeforeSafe = 0;
  let previous = -1;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const space = isWhitespace(code);
    if (space !== inSpace) {
      inSpace = space;
      bytes = 0;
      safe = -1;
    } else if (!space && isSafePunctuation(code) && isAsciiAlphanumeric(previous)) {
      safe = index;
      bytesBeforeSafe = bytes;
    }
    previous = code;
    const size = utf8Bytes(text, index, code);
    if (bytes + size > maxBytes && bytes > 0) {
      if (result === undefined) result = { cuts: [], exact: true };
      // The boundary only helps when what follows it still fits with this character.
      if (safe >= 0 && bytes - bytesBeforeSafe + size <= maxBytes) {
        result.cuts.push(safe);
        bytes -= bytesBeforeSafe;
      } else {
        // A low surrogate stays with its high surrogate: cut one unit earlier.
        const paired = isLowSurrogate(code) && isHighSurrogate(text.charCodeAt(index - 1));
        result.cuts.push(paired ? index - 1 : index);
        result.exact = false;
        bytes = paired ? 2 : 0;
      }
      safe = -1;
    }
    bytes += size;
  }
  return result;
}

/** `text` cut at `cuts` (ascending offsets, as `longRunCuts` gives them), in order. */
export function splitAt(text: string, cuts: readonly number[]): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (const end of [...cuts, text.length]) {
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
