import { describe, expect, it } from 'vitest';
import { publicURL, urlPassword } from './public-url.js';

describe('publicURL', () => {
  it('drops credentials and masks key-shaped query values and known secrets', () => {
    const secret = ['proxy', 'secret', 'value'].join('-');
    const shown = publicURL(
      `https://me:${secret}@proxy.example/v1?api-key=abcdefghijklmnop&team=${secret}`,
      [secret],
    );
    expect(shown).toBe('https://proxy.example/v1?api-key=[redacted]&team=[redacted]');
    expect(urlPassword(`https://me:${secret}@proxy.example/v1`)).toBe(secret);
    expect(urlPassword('https://proxy.example/v1')).toBeUndefined();
  });
});
