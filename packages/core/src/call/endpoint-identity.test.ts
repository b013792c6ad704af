import { describe, expect, it } from 'vitest';
import { endpointIdentity } from './endpoint-identity.js';

describe('endpointIdentity', () => {
  it('keeps scheme, host, port and path, and drops credentials, query and fragment', () => {
    expect(endpointIdentity('https://user:secret@proxy.example.com/v1')).toBe(
      'https://proxy.example.com/v1',
    );
    expect(endpointIdentity('http://127.0.0.1:8080/v1/?api-key=sk-abc#x')).toBe(
      'http://127.0.0.1:8080/v1',
    );
    expect(endpointIdentity('https://API.OpenAI.com/v1/')).toBe('https://api.openai.com/v1');
  });

  it('is undefined for what is not an http(s) URL', () => {
    for (const bad of [undefined, '', 'not a url', 'file:///etc/passwd']) {
      expect(endpointIdentity(bad)).toBeUndefined();
    }
  });
});
