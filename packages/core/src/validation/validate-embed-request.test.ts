import { describe, expect, it } from 'vitest';
import type { EmbedRequest } from '../embedding.js';
import { InvalidRequestError } from '../errors/api-errors.js';
import { validateEmbedRequest } from './validate-embed-request.js';

function thrownBy(request: unknown): InvalidRequestError {
  try {
    validateEmbedRequest(request as EmbedRequest);
  } catch (error) {
    if (InvalidRequestError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected validateEmbedRequest to throw');
}

describe('validateEmbedRequest', () => {
  it.each<[string, string, unknown]>([
    ['an empty string input', 'input', { input: '' }],
    ['an empty array input', 'input', { input: [] }],
    ['an empty text among the inputs', 'input[1]', { input: ['a', ''] }],
    ['a number input', 'input', { input: 42 }],
    ['dimensions 0', 'dimensions', { input: 'a', dimensions: 0 }],
    ['dimensions 1.5', 'dimensions', { input: 'a', dimensions: 1.5 }],
    ['an empty model', 'model', { model: '', input: 'a' }],
  ])('rejects %s at %s', (_name, field, request) => {
    const error = thrownBy(request);
    expect(error.code).toBe('invalid_request');
    expect(error.field).toBe(field);
    expect(error.message.slice(0, field.length + 2)).toBe(`${field}: `);
  });

  it.each<EmbedRequest>([
    { input: 'hello' },
    { input: ['hello', 'world'], model: 'text-embedding-3-small', dimensions: 1 },
  ])('accepts %j', (request) => {
    expect(() => validateEmbedRequest(request)).not.toThrow();
  });
});
