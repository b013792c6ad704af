import { describe, expect, it } from 'vitest';
import { redactKeys, redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it.each([
    [
      'an OpenAI project key',
      `Incorrect API key provided: ${['sk', 'proj', 'abcDEF123456789xyz'].join('-')}.`,
      'abcDEF123456789xyz',
    ],
    [
      'a service-account key',
      `key ${['sk', 'svcacct', 'ZZZZ0000yyyy1111'].join('-')}`,
      'ZZZZ0000yyyy1111',
    ],
    ['a bearer header', 'Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.abc', 'eyJhbGciOi'],
    ['an Azure api-key', 'api-key: 0123456789abcdef0123456789abcdef', '0123456789abcdef'],
    ['a key in a URL', 'GET https://example.test/v1?api_key=Zx9Zx9Zx9Zx9Zx9Zx9', 'Zx9Zx9Zx9Zx9'],
  ])('masks %s', (_name, text, secret) => {
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[redacted]');
  });

  it('masks secrets it is given explicitly', () => {
    expect(redactSecrets('token for tenant: hunter2-custom', ['hunter2-custom'])).toBe(
      'token for tenant: [redacted]',
    );
  });

  it('leaves ordinary API messages alone', () => {
    const message =
      "This model's maximum context length is 128000 tokens. However, you requested 130000 tokens (max_tokens: 4096).";
    expect(redactSecrets(message)).toBe(message);
  });
});

describe('redactKeys', () => {
  it('masks given secrets and OpenAI-shaped keys, and leaves key=value text and short secrets as written', () => {
    const planted = ['sk', 'proj', 'PLANTEDkey0123456789'].join('-');
    const code = 'apiKey: process.env.OPENAI_API_KEY_FOR_THIS_APP';
    expect(redactKeys(`${code} or ${planted} or tenant-secret-1`, ['tenant-secret-1', '1'])).toBe(
      `${code} or sk-[redacted] or [redacted]`,
    );
    // The broader rule would rewrite the same code.
    expect(redactSecrets(code)).not.toBe(code);
  });
});
