import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { AuthenticationError } from '@ply/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAIProvider } from './openai-provider.js';

// OUR OWN FIXTURE: a loopback upstream quoting the key it was sent in its 401 and a header.
const server = createServer((request, response) => {
  const key = request.headers.authorization?.replace(/^Bearer\s+/, '') ?? '';
  response.writeHead(401, { 'content-type': 'application/json', 'x-echo-key': key });
  response.end(
    JSON.stringify({
      error: { message: `Incorrect API key provided: ${key}`, type: 'x', param: key, code: null },
    }),
  );
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('the provider masks its own key in what it throws', () => {
  // Not key-shaped: no pattern knows it, only the provider that was given it.
  const key = `plain${randomBytes(16).toString('hex')}`;

  it('in the message, headers and fields of a failed call and a failed stream', async () => {
    const provider = new OpenAIProvider({ apiKey: key, baseURL: url });
    const request = { messages: [{ role: 'user' as const, content: 'hi' }] };
    const failures = [
      await provider.complete(request).catch((error: unknown) => error),
      await provider.stream(request).result.catch((error: unknown) => error),
      await provider.listModels().catch((error: unknown) => error),
    ];
    for (const failure of failures) {
      expect(AuthenticationError.isInstance(failure)).toBe(true);
      expect((failure as Error).message).toContain('Incorrect API key provided: [redacted]');
      expect(inspect(failure, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(
        key,
      );
    }
  });
});
