import type { EmbedRequest } from '../embedding.js';
import { checkNumber, checkString, describe, invalid, isRecord } from './invalid.js';

/** Checks an embedding request before anything is sent; errors name the field. */
export function validateEmbedRequest(request: EmbedRequest): void {
  if (!isRecord(request)) invalid('request', `must be an object, got ${describe(request)}`);
  checkString('model', request.model, { nonEmpty: true });
  const { input } = request;
  if (typeof input === 'string') {
    if (input === '') invalid('input', 'must not be empty');
  } else if (Array.isArray(input)) {
    if (input.length === 0) invalid('input', 'must hold at least one text');
    for (const [index, text] of input.entries()) {
      if (typeof text !== 'string' || text === '')
        invalid(`input[${index}]`, 'must be a non-empty string');
    }
  } else {
    invalid('input', `must be a string or an array of strings, got ${describe(input)}`);
  }
  checkNumber('dimensions', request.dimensions, { min: 1, integer: true });
  checkString('user', request.user);
}
