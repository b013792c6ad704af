// A base URL with `user:password@` can never be fetched, and ply will not guess which header
// its credentials belong in: it is refused at construction, and Basic auth goes in `headers`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { AuthenticationError, ConfigurationError } from '@ply/core';
import { createSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAzureOpenAIProvider } from './create-azure-provider.js';
import { createOpenAIProvider } from './create-openai-provider.js';
import { ask } from './provider.test-support.js';

const PASSWORD = 'pw-9f3c1d7e2b';

function refusal(create: () => unknown): ConfigurationError {
  let thrown: unknown;
  try {
    create();
  } catch (error) {
    thrown = error;
  }
  expect(ConfigurationError.isInstance(thrown)).toBe(true);
  const error = thrown as ConfigurationError;
  expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).not.toContain(PASSWORD);
  expect(error.message).not.toContain('alice');
  return error;
}

describe('a base URL that carries credentials', () => {
  it('is refused at construction, naming baseURL and not the credentials', () => {
    const error = refusal(() =>
      createOpenAIProvider({
        baseURL: `https://alice:${PASSWORD}@proxy.example.com/v1`,
        apiKey: 'sk-key',
      }),
    );
    expect(error.message).toContain('`baseURL`');
    expect(error.message).toContain('headers');
  });

  it('is refused from OPENAI_BASE_URL too, and with a user name alone', () => {
    const saved = process.env.OPENAI_BASE_URL;
    process.env.OPENAI_BASE_URL = `https://alice:${PASSWORD}@proxy.example.com/v1`;
    try {
      expect(refusal(() => createOpenAIProvider({ apiKey: 'sk-key' })).message).toContain(
        '`baseURL`',
      );
    } finally {
      if (saved === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved;
    }
    refusal(() => createOpenAIProvider({ baseURL: `https://${PASSWORD}@proxy.example.com/v1` }));
  });

  it('is refused as an Azure endpoint, naming endpoint', () => {
    const error = refusal(() =>
      createAzureOpenAIProvider({
        endpoint: `https://alice:${PASSWORD}@my-resource.openai.azure.com`,
        apiVersion: '2024-10-21',
        apiKey: 'azure-key',
      }),
    );
    expect(error.message).toContain('`endpoint`');
  });
});

// OUR OWN FIXTURE: a proxy behind HTTP Basic auth, in front of the simulator, which it calls
// with its own key; no API key is needed from the caller.
const simulator = createSimulator();
const BASIC = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
const proxy = createServer(async (request, response) => {
  if (request.headers.authorization !== BASIC) {
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'Basic auth required', type: 'auth' } }));
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const upstream = await simulator.fetch(`http://simulator.invalid${request.url}`, {
    method: request.method ?? 'GET',
    headers: { authorization: 'Bearer proxy-own-key', 'content-type': 'application/json' },
    ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
  });
  response.writeHead(upstream.status, Object.fromEntries(upstream.headers));
  response.end(Buffer.from(await upstream.arrayBuffer()));
});
let proxyOrigin = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyOrigin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => proxy.close(resolve)));

describe('a proxy behind HTTP Basic auth', () => {
  // A remote name, resolved to the loopback proxy: as far as the provider knows, not local.
  const PUBLIC_ORIGIN = 'https://proxy.example.test';
  const viaProxy: typeof fetch = (input, init) =>
    fetch(String(input).replace(PUBLIC_ORIGIN, proxyOrigin), init);

  it('is reached with the Authorization header in `headers`, without an apiKey', async () => {
    const provider = createOpenAIProvider({
      baseURL: `${PUBLIC_ORIGIN}/v1`,
      headers: { Authorization: BASIC },
      fetch: viaProxy,
    });
    expect((await provider.complete({ model: 'gpt-4o-mini', ...ask('through') })).text).toBe(
      'through',
    );
  });

  it('answers a wrong password with AuthenticationError, the header masked', async () => {
    const wrong = `Basic ${Buffer.from('alice:not-it-4d2a').toString('base64')}`;
    const provider = createOpenAIProvider({
      baseURL: `${PUBLIC_ORIGIN}/v1`,
      headers: { Authorization: wrong },
      fetch: viaProxy,
    });
    const error = await provider.complete(ask('x')).catch((failure: unknown) => failure);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as AuthenticationError).status).toBe(401);
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY })).not.toContain(wrong.slice(6));
  });
});
