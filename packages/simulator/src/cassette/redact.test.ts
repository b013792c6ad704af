import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';

/** Key-shaped, never a key: assembled here so no source line looks like a credential. */
const keyShaped = (kind: string, body: string) => ['sk', kind, body].filter(Boolean).join('-');
const KEY = keyShaped('proj', 'PLANTEDsecret1234567890abcdef');

describe('Redactor', () => {
  const redactor = new Redactor(['customer-4711']);

  it('replaces key, organisation and project shapes, and the given secrets', () => {
    for (const secret of [
      KEY,
      keyShaped('svcacct', 'AbCdEf0123456789_-xyz'),
      keyShaped('', 'PLANTED'.repeat(7)),
      'org-AbCdEf0123456789GhIjKlMn',
      'proj_AbCdEf0123456789GhIjKlMn',
      'customer-4711',
    ]) {
      expect(redactor.text(`before ${secret} after`)).toBe('before [redacted] after');
    }
  });

  it('leaves ordinary words that merely start like a secret', () => {
    const text = 'scikit-learn is sk-learn; an org-wide task-skipping proj_x';
    expect(redactor.text(text)).toBe(text);
  });

  it('replaces a secret containing another whole', () => {
    const nested = new Redactor(['abc', 'abcdef']);
    expect(nested.text('xabcdefx')).toBe('x[redacted]x');
  });

  it('walks JSON: strings at any depth, and keys', () => {
    expect(redactor.json({ user: KEY, list: [1, { [KEY]: `Bearer ${KEY}` }], n: null })).toEqual({
      user: '[redacted]',
      list: [1, { '[redacted]': 'Bearer [redacted]' }],
      n: null,
    });
  });

  it('keeps the authorization scheme and drops account headers whatever their value', () => {
    const headers = new Headers({
      authorization: `Bearer ${KEY}`,
      'api-key': 'azure-key-without-a-shape',
      'OpenAI-Organization': 'my-company',
      'OpenAI-Project': 'my-project',
      cookie: 'session=1',
      'x-echo': `key=${KEY}`,
      'content-type': 'application/json',
    });
    expect(redactor.headers(headers)).toEqual({
      authorization: 'Bearer [redacted]',
      'api-key': '[redacted]',
      'openai-organization': '[redacted]',
      'openai-project': '[redacted]',
      cookie: '[redacted]',
      'x-echo': 'key=[redacted]',
      'content-type': 'application/json',
    });
  });

  it('joins the chunks a secret spans, so no part of it is kept', () => {
    const chunks = [
      { data: 'data: a\n\n', delayMs: 1 },
      { data: `data: ${KEY.slice(0, 20)}`, delayMs: 2 },
      { data: KEY.slice(20, 30), delayMs: 3 },
      { data: `${KEY.slice(30)}\n\n`, delayMs: 4 },
      { data: 'data: [DONE]\n\n', delayMs: 5 },
    ];
    expect(redactor.chunks(chunks)).toEqual([
      { data: 'data: a\n\n', delayMs: 1 },
      { data: 'data: [redacted]\n\n', delayMs: 9 },
      { data: 'data: [DONE]\n\n', delayMs: 5 },
    ]);
  });
});
