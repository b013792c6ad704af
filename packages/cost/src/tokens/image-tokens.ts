import { Buffer } from 'node:buffer';
import { defaultCatalogue, IMAGE_TILES, type ImageTokenRule } from '@ply/models';

export interface ImageSize {
  width: number;
  height: number;
}

export type ImageDetail = 'auto' | 'low' | 'high';

/** What an image is assumed to be when nothing tells its size: a 1024x1024 picture. */
export const DEFAULT_IMAGE_SIZE: Readonly<ImageSize> = Object.freeze({ width: 1024, height: 1024 });

/** The model's rule, from the one catalogue. */
function imageRule(model: string | undefined): ImageTokenRule {
  return defaultCatalogue.resolve(model)?.images ?? IMAGE_TILES;
}

function patchCount(width: number, height: number, patch: number, maxPatches: number): number {
  const raw = Math.ceil(width / patch) * Math.ceil(height / patch);
  if (raw <= maxPatches) return raw;
  // Scale down so the patches fit the cap, then snap to whole patches on the tighter side.
  let scale = Math.sqrt((patch * patch * maxPatches) / (width * height));
  const across = (width * scale) / patch;
  const down = (height * scale) / patch;
  scale *= Math.min(Math.floor(across) / across, Math.floor(down) / down);
  const patches =
    Math.ceil((width * scale) / patch - 1e-9) * Math.ceil((height * scale) / patch - 1e-9);
  return Math.min(patches, maxPatches);
}

function tileCount(
  width: number,
  height: number,
  rule: Extract<ImageTokenRule, { method: 'tile' }>,
): number {
  let w = width;
  let h = height;
  const fit = Math.min(1, rule.maxSide / Math.max(w, h));
  w *= fit;
  h *= fit;
  const shortest = Math.min(w, h);
  if (shortest > rule.shortSide) {
    w = (w * rule.shortSide) / shortest;
    h = (h * rule.shortSide) / shortest;
  }
  return Math.ceil(w / rule.tileSize - 1e-9) * Math.ceil(h / rule.tileSize - 1e-9);
}

/**
 * Input tokens of one image, by OpenAI's published rules as the catalogue (`@ply/models`)
 * holds them per model. Tile models (gpt-4o, gpt-4.1, gpt-4-turbo, and any model the
 * catalogue does not name): `low` detail is the base (85); `high` fits the image in
 * 2048x2048, scales the short side to 768 and adds 170 per 512-px tile (gpt-4o-mini: the
 * same tiles at 2833 + 5667 each). Patch models (gpt-4.1-mini/nano, o4-mini,
 * gpt-5-mini/nano): 32-px patches capped at 1536, times the model's multiplier, whatever
 * the detail. `auto` is counted as `high`.
 */
export function imageTokens(options: {
  model?: string;
  width: number;
  height: number;
  detail?: ImageDetail;
}): number {
  const width = Math.max(1, options.width);
  const height = Math.max(1, options.height);
  const rule = imageRule(options.model);
  if (rule.method === 'patch') {
    const patches = patchCount(width, height, rule.patchSize, rule.maxPatches);
    return Math.ceil(patches * (rule.multiplier ?? 1));
  }
  if (options.detail === 'low') return rule.lowDetailTokens;
  return rule.baseTokens + rule.tokensPerTile * tileCount(width, height, rule);
}

/** Enough base64 for the header of any PNG, GIF or WebP and of most JPEGs. */
const HEADER_BASE64_CHARS = 65_536;

function jpegSize(bytes: Buffer): ImageSize | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    const isFrame =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return undefined;
}

function webpSize(bytes: Buffer): ImageSize | undefined {
  const chunk = bytes.toString('latin1', 12, 16);
  if (chunk === 'VP8X' && bytes.length >= 30) {
    return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const b1 = bytes[22] ?? 0;
    const b2 = bytes[23] ?? 0;
    const b3 = bytes[24] ?? 0;
    return {
      width: 1 + (((b1 & 0x3f) << 8) | (bytes[21] ?? 0)),
      height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)),
    };
  }
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  return undefined;
}

/**
 * The pixel size written in the header of a `data:image/...;base64,` URL (PNG, GIF, JPEG,
 * WebP), decoding at most the first 48 KB; `undefined` for other URLs or unknown headers.
 */
export function imageSizeFromDataUrl(url: string): ImageSize | undefined {
  if (!url.startsWith('data:image/')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0 || !url.slice(0, comma).endsWith(';base64')) return undefined;
  const head = url.slice(comma + 1, comma + 1 + HEADER_BASE64_CHARS);
  const bytes = Buffer.from(head.slice(0, head.length - (head.length % 4)), 'base64');
  let size: ImageSize | undefined;
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    size = { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  } else if (bytes.length >= 10 && bytes.toString('latin1', 0, 4) === 'GIF8') {
    size = { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  } else if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    size = jpegSize(bytes);
  } else if (
    bytes.length >= 16 &&
    bytes.toString('latin1', 0, 4) === 'RIFF' &&
    bytes.toString('latin1', 8, 12) === 'WEBP'
  ) {
    size = webpSize(bytes);
  }
  return size !== undefined && size.width > 0 && size.height > 0 ? size : undefined;
}
