import { expect, describe as group, it } from 'vitest';
import { validateEmbedRequest } from './validate-embed-request.js';

group('messages describe a missing value once', () => {
  it('says "got undefined", not "got undefined undefined"', () => {
    expect(() => validateEmbedRequest({} as never)).toThrow(/got undefined$/);
  });
});
