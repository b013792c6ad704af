import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { recordingFetch } from './record-fetch.js';

describe('recording masks the credentials its requests send', () => {
  it('even when an answer quotes back a key no shape recognises', async () => {
    const key = `plain${randomBytes(16).toString('hex')}`;
    // An upstream (in-process, as a fetch) that quotes the caller's key in its 401.
    const echoing = async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      const sent = request.headers.get('api-key') ?? '';
      return Response.json(
        { error: { message: `Incorrect API key provided: ${sent}` } },
        {
          status: 401,
          headers: { 'x-echo': sent },
        },
      );
    };
    const recording = recordingFetch({ fetch: echoing });
    await recording.fetch('http://upstream.invalid/v1/models', { headers: { 'api-key': key } });
    const cassette = JSON.stringify(recording.cassette());
    expect(cassette).toContain('Incorrect API key provided: [redacted]');
    expect(cassette).not.toContain(key);
  });
});
