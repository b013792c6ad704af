import { longRunCuts, splitAt } from '@ply/core/internals';
import { defaultCatalogue } from '@ply/models';
import { get_encoding, type Tiktoken, type TiktokenEncoding } from 'tiktoken';

export type EncodingName = Extract<TiktokenEncoding, 'o200k_base' | 'cl100k_base'>;

const encoders = new Map<EncodingName, Tiktoken>();
const decoder = new TextDecoder();

/** One encoder per encoding, created on first use and kept: creating one costs ~150 ms. */
export function encoder(name: EncodingName): Tiktoken {
  let found = encoders.get(name);
  if (!found) {
    found = get_encoding(name);
    encoders.set(name, found);
  }
  return found;
}

/**
 * The encoding ply's catalogue gives the model (its generation's for a name it does not
 * list, fine-tunes included), so the simulator bills with the tokenizer ply counts with.
 */
export function encodingForModel(model: string): EncodingName {
  return defaultCatalogue.encodingFor(model);
}

/**
 * Plain text encoded in order, special-token text (`<|endoftext|>`) read as ordinary
 * characters: one piece for natural text, several when a run is too long to encode whole
 * (`longRunCuts`, as `@ply/cost` counts), which then counts within a token per cut.
 */
function encodePieces(text: string, encoding: EncodingName): Uint32Array[] {
  const enc = encoder(encoding);
  const split = longRunCuts(text);
  if (split === undefined) return [enc.encode_ordinary(text)];
  // A long run of one character or a repeated pattern is cut into equal pieces: encode
  // each distinct piece once.
  const encoded = new Map<string, Uint32Array>();
  return splitAt(text, split.cuts).map((piece) => {
    let tokens = encoded.get(piece);
    if (!tokens) {
      tokens = enc.encode_ordinary(piece);
      encoded.set(piece, tokens);
    }
    return tokens;
  });
}

/** Token ids of plain text (see `encodePieces`). */
export function encodeText(text: string, encoding: EncodingName): Uint32Array {
  const pieces = encodePieces(text, encoding);
  if (pieces.length === 1) return pieces[0] as Uint32Array;
  const tokens = new Uint32Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let offset = 0;
  for (const piece of pieces) {
    tokens.set(piece, offset);
    offset += piece.length;
  }
  return tokens;
}

/** How many tokens plain text is (see `encodePieces`). */
export function countText(text: string, encoding: EncodingName): number {
  return encodePieces(text, encoding).reduce((sum, piece) => sum + piece.length, 0);
}

/** The text of each token, in order: what a stream sends one chunk at a time. */
export function tokenTexts(text: string, encoding: EncodingName): string[] {
  const enc = encoder(encoding);
  const tokens = encodeText(text, encoding);
  const pieces: string[] = [];
  let pending: number[] = [];
  for (const token of tokens) {
    pending.push(token);
    // A multi-byte character can span tokens: hold bytes until they decode cleanly.
    const bytes = enc.decode(Uint32Array.from(pending));
    const piece = decoder.decode(bytes);
    if (!piece.includes('\uFFFD')) {
      pieces.push(piece);
      pending = [];
    }
  }
  if (pending.length > 0) pieces.push(decoder.decode(enc.decode(Uint32Array.from(pending))));
  return pieces;
}

interface PromptMessage {
  role?: unknown;
  content?: unknown;
  name?: unknown;
  tool_calls?: unknown;
  tool_call_id?: unknown;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) =>
      part && typeof part === 'object' && (part as { type?: unknown }).type === 'text'
        ? String((part as { text?: unknown }).text ?? '')
        : '',
    )
    .join('');
}

const IMAGE_TOKENS = 85;

/**
 * Prompt tokens as OpenAI bills a chat request: 3 per message plus its role and content,
 * 1 more per `name`, and 3 to prime the reply (2 for the o3-mini and gpt-5 generation).
 * Exact for text; tool definitions, tool calls, images and schemas are estimated the way
 * public estimators do (they sit within a few tokens of the real count).
 */
export function countChatPrompt(
  request: { messages: PromptMessage[]; tools?: unknown; response_format?: unknown },
  model: string,
): number {
  const encoding = encodingForModel(model);
  let tokens = /^(o3-mini|gpt-5)/.test(model) ? 2 : 3;
  for (const message of request.messages) {
    tokens +=
      3 +
      countText(String(message.role ?? ''), encoding) +
      countText(contentText(message.content), encoding);
    if (typeof message.name === 'string') tokens += countText(message.name, encoding) + 1;
    if (Array.isArray(message.content)) {
      tokens +=
        message.content.filter((part) => (part as { type?: unknown })?.type === 'image_url')
          .length * IMAGE_TOKENS;
    }
    if (message.tool_calls !== undefined)
      tokens += countText(JSON.stringify(message.tool_calls), encoding);
    if (typeof message.tool_call_id === 'string')
      tokens += countText(message.tool_call_id, encoding);
  }
  if (request.tools !== undefined) tokens += countText(JSON.stringify(request.tools), encoding);
  if (request.response_format !== undefined)
    tokens += countText(JSON.stringify(request.response_format), encoding);
  return tokens;
}
