import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from './corpus.test-support.js';
import { decodeBase64Embedding } from './embedding-base64.js';
import { parseEmbeddingResponse } from './parse.js';
import { ResponseParseError } from './response-parse-error.js';

function encode(values: Float32Array): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((value, index) => {
    view.setFloat32(index * 4, value, true);
  });
  let binary = '';
  for (let index = 0; index < view.byteLength; index++) {
    binary += String.fromCharCode(view.getUint8(index));
  }
  return btoa(binary);
}

const corpus = (file: string): unknown => JSON.parse(readFileSync(CORPUS_DIR + file, 'utf8'));

describe('decodeBase64Embedding', () => {
  it('round-trips little-endian float32 values exactly', () => {
    const values = new Float32Array([0, 1, -1.5, 0.1, -0.0123, 3.4e38, 1e-40, 123456.789]);
    const decoded = decodeBase64Embedding(encode(values));
    expect(decoded).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded)).toEqual(Array.from(values));
  });

  it('decodes an empty string to an empty vector', () => {
    expect(decodeBase64Embedding('')).toHaveLength(0);
  });

  it('throws RangeError when the bytes are not whole float32 values', () => {
    expect(() => decodeBase64Embedding(btoa('abc'))).toThrow(RangeError);
    expect(() => decodeBase64Embedding(btoa('abcdef'))).toThrow(RangeError);
  });
});

describe('parseEmbeddingResponse', () => {
  it('keeps recorded base64 embeddings as strings that decode to unit vectors', () => {
    const parsed = parseEmbeddingResponse(corpus('embedding-03-dotnet-multi.json'));
    expect(parsed.data.length).toBeGreaterThan(1);
    const lengths = parsed.data.map((item) => {
      expect(typeof item.embedding).toBe('string');
      const text = item.embedding as string;
      const vector = decodeBase64Embedding(text);
      // Little-endian decoding of a real embedding gives a unit vector; big-endian gives noise.
      const norm = Math.hypot(...vector);
      expect(norm).toBeCloseTo(1, 4);
      return vector.length;
    });
    expect(lengths[0]).toBeGreaterThan(0);
    expect(new Set(lengths).size).toBe(1);
  });

  it('keeps recorded float embeddings as number arrays', () => {
    const parsed = parseEmbeddingResponse(corpus('embedding-01-vercel.json'));
    expect(parsed.data.length).toBeGreaterThan(0);
    for (const item of parsed.data) {
      expect(Array.isArray(item.embedding)).toBe(true);
      expect((item.embedding as number[]).every((value) => typeof value === 'number')).toBe(true);
    }
  });

  it('rejects a base64 response holding text that is not base64', () => {
    const body = {
      object: 'list',
      model: 'text-embedding-3-small',
      data: [
        { object: 'embedding', index: 0, embedding: encode(new Float32Array([1, 2])) },
        { object: 'embedding', index: 1, embedding: 'not base64!' },
      ],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    };
    for (const mode of ['lenient', 'strict'] as const) {
      let error: unknown;
      try {
        parseEmbeddingResponse(body, { mode });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ResponseParseError);
      expect((error as ResponseParseError).path).toBe('data[1].embedding');
    }
  });

  it('refuses base64 that does not decode to whole float32 values', () => {
    expect(() => decodeBase64Embedding('A')).toThrow(RangeError);
    expect(() => decodeBase64Embedding('AAA=')).toThrow(RangeError);
    for (const embedding of ['A', 'AAA=']) {
      const body = {
        object: 'list',
        model: 'm',
        usage: { prompt_tokens: 1, total_tokens: 1 },
        data: [{ object: 'embedding', index: 0, embedding }],
      };
      expect(() => parseEmbeddingResponse(body, { mode: 'strict' })).toThrow(ResponseParseError);
    }
  });
});
