import { z } from 'zod';
import type { CreateEmbeddingResponse, Embedding } from './generated/openai-schemas.js';
import { openAISchemas } from './openai-schemas.js';
import type { SchemaMode } from './schema-mode.js';
import { unwrap } from './schema-walker.js';

/** An embedding requested with `encoding_format: "base64"`: little-endian float32 bytes. */
export type Base64Embedding = Omit<Embedding, 'embedding'> & { embedding: string };

export type CreateEmbeddingResponseBase64 = Omit<CreateEmbeddingResponse, 'data'> & {
  data: Base64Embedding[];
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 text that decodes to whole float32 values. */
function isFloat32Base64(text: string): boolean {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return false;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return ((text.length / 4) * 3 - padding) % 4 === 0;
}

const built = new Map<SchemaMode, z.ZodType<CreateEmbeddingResponseBase64>>();

/**
 * The spec types `embedding` as numbers only, as the SDK does (it decodes base64 for its
 * users), so the base64 form is a schema of its own: the same response with strings.
 */
export function base64EmbeddingResponseSchema(
  mode: SchemaMode = 'lenient',
): z.ZodType<CreateEmbeddingResponseBase64> {
  const cached = built.get(mode);
  if (cached) return cached;
  const floats = openAISchemas(mode)
    .CreateEmbeddingResponse as unknown as z.ZodObject<z.ZodRawShape>;
  const floatItems = unwrap(floats.shape.data as z.ZodType) as z.ZodArray<z.ZodType>;
  const item = unwrap(floatItems.element) as z.ZodObject<z.ZodRawShape>;
  const embedding = z.string().refine(isFloat32Base64, 'expected base64 text of float32 values');
  const items = z.array(
    item.extend({ embedding: mode === 'strict' ? embedding : embedding.nullish() }),
  );
  const schema = floats.extend({ data: mode === 'strict' ? items : items.nullish() });
  built.set(mode, schema as unknown as z.ZodType<CreateEmbeddingResponseBase64>);
  return schema as unknown as z.ZodType<CreateEmbeddingResponseBase64>;
}

/** Decodes a base64 embedding into the float32 vector it encodes. */
export function decodeBase64Embedding(text: string): Float32Array {
  // atob rather than Buffer: these schemas also run in browsers.
  if (!isFloat32Base64(text)) {
    throw new RangeError('A base64 embedding must be base64 text of whole float32 values');
  }
  const binary = atob(text);
  if (binary.length % 4 !== 0) {
    throw new RangeError(
      `A base64 embedding must hold whole float32 values; got ${binary.length} bytes`,
    );
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  const view = new DataView(bytes.buffer);
  const vector = new Float32Array(bytes.length / 4);
  for (let index = 0; index < vector.length; index++)
    vector[index] = view.getFloat32(index * 4, true);
  return vector;
}
