// The adapter answers model facts from ply's one catalogue (`@ply/models`): the same
// numbers cost prices and guards with, and the simulator enforces.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotFoundError } from '@ply/core';
import { defaultCatalogue, ModelCatalogue } from '@ply/models';
import { DEFAULT_MODELS } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIProvider } from './create-openai-provider.js';
import { simulatorAndProvider } from './provider.test-support.js';

let setup: Awaited<ReturnType<typeof simulatorAndProvider>>;
beforeAll(async () => {
  setup = await simulatorAndProvider();
});
afterAll(() => setup.close());

describe('model facts from the one catalogue', () => {
  it('gives gpt-4-1106-preview the window of gpt-4-turbo and gpt-4 its 4,096 tokens out', async () => {
    // Both once differed between the adapter's table and cost's (8,192 and 128,000; 8,192
    // and 4,096).
    const preview = await setup.provider.getModel('gpt-4-1106-preview');
    expect(preview).toMatchObject({ contextWindow: 128_000, maxOutputTokens: 4_096 });
    expect((await setup.provider.getModel('gpt-4')).maxOutputTokens).toBe(4_096);
    for (const id of ['gpt-4-1106-preview', 'gpt-4', 'gpt-4o-2024-08-06', 'o3-mini']) {
      const entry = defaultCatalogue.resolve(id);
      expect(setup.provider.modelFacts(id)).toBe(entry);
      expect(setup.provider.capabilities(id)).toEqual(entry?.capabilities);
    }
  });

  it('answers a model the catalogue knows without asking the server', async () => {
    const before = setup.requests('/v1/models/gpt-4o').length;
    expect((await setup.provider.getModel('gpt-4o')).contextWindow).toBe(128_000);
    expect(setup.requests('/v1/models/gpt-4o').length).toBe(before);
    expect(setup.provider.modelFacts('sim-echo')).toBeUndefined();
  });

  it('serves, in the simulator, the limits the catalogue gives every model both know', () => {
    for (const model of DEFAULT_MODELS) {
      const entry = defaultCatalogue.resolve(model.id);
      if (!entry) continue;
      expect({ id: model.id, window: model.contextWindow, out: model.maxOutputTokens }).toEqual({
        id: model.id,
        window: entry.contextWindow,
        out: entry.maxOutputTokens,
      });
    }
  });

  it('reads facts from a catalogue of its own when given one', async () => {
    const catalogue = new ModelCatalogue();
    catalogue.registerModel({ id: 'acme-large', contextWindow: 32_000, prices: {} });
    const provider = createOpenAIProvider({ apiKey: 'k', baseURL: setup.running.url, catalogue });
    expect((await provider.getModel('acme-large-2026-01-01')).contextWindow).toBe(32_000);
    expect(provider.modelFacts('acme-large')?.contextWindow).toBe(32_000);
  });
});

describe('getModel on a server without GET /models/{id}', () => {
  let server: Server;
  let baseURL: string;
  beforeAll(async () => {
    // An OpenAI-compatible server that lists its models but has no per-model route.
    server = createServer((request, response) => {
      if (request.url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            object: 'list',
            data: [{ id: 'llama3:8b', object: 'model', created: 1, owned_by: 'library' }],
          }),
        );
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('404 page not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('finds the model in the server list instead', async () => {
    const provider = createOpenAIProvider({ id: 'ollama', baseURL });
    expect(await provider.getModel('llama3:8b')).toMatchObject({
      id: 'llama3:8b',
      provider: 'ollama',
      ownedBy: 'library',
    });
  });

  it('says the model is not found when the list lacks it too', async () => {
    const provider = createOpenAIProvider({ id: 'ollama', baseURL });
    const error = await provider.getModel('mistral').catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('mistral');
  });
});
