import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from './api-errors.js';

const shapedKey = () => ['sk', 'proj', 'cause0123456789abcdef'].join('-');

describe('a ply error keeps no key in its cause chain', () => {
  it('copies a cause whose message (or whose own cause) holds a key, masked', () => {
    const root = new Error(`socket closed for ${shapedKey()}`);
    const cause = new SyntaxError('bad chunk', { cause: root });
    const error = new InvalidResponseError('the stream broke', { cause });
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).not.toContain(shapedKey());
    expect((error.cause as Error).name).toBe('SyntaxError');
    expect(((error.cause as Error).cause as Error).message).toBe('socket closed for sk-[redacted]');
  });

  it('keeps a cause without secrets as it is', () => {
    const cause = new TypeError('terminated');
    expect(new InvalidResponseError('broke', { cause }).cause).toBe(cause);
  });
});
