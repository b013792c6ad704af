import { parseModel, parseModelsPage } from '@ply/response-models';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './gateway.test-support.js';

let gateway: GatewayFixture;
beforeEach(async () => {
  gateway = await startGateway();
});
afterEach(async () => {
  await gateway.close();
});

describe('GET /v1/models', () => {
  it('lists every provider:model id, owned by its provider, strictly valid', async () => {
    const response = await fetch(`${gateway.baseURL}/models`);
    const page = parseModelsPage(await response.json(), { mode: 'strict' });
    const ids = page.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['simulator:gpt-4o-mini', 'simulator:sim-tools']));
    expect(ids.every((id) => id.startsWith('simulator:'))).toBe(true);
    expect(new Set(page.data.map((model) => model.owned_by))).toEqual(new Set(['simulator']));
    expect(page.data.every((model) => model.created > 0)).toBe(true);
  });

  it('lists ids the SDK can page through and then use as the model of a request', async () => {
    const client = gateway.client();
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('simulator:gpt-4o');
    const completion = await client.chat.completions.create({
      model: 'simulator:gpt-4o',
      messages: [{ role: 'user', content: 'listed' }],
    });
    expect(completion.model).toBe('gpt-4o');
  });
});

describe('GET /v1/models/{id}', () => {
  it('retrieves a provider:model id, or a bare id of the default provider', async () => {
    const client = gateway.client();
    const model = await client.models.retrieve('simulator:gpt-4o');
    expect(model).toMatchObject({ id: 'simulator:gpt-4o', object: 'model', owned_by: 'simulator' });
    const bare = await client.models.retrieve('sim-embed');
    expect(bare.id).toBe('simulator:sim-embed');

    const response = await fetch(
      `${gateway.baseURL}/models/${encodeURIComponent('simulator:gpt-4o')}`,
    );
    expect(parseModel(await response.json(), { mode: 'strict' }).id).toBe('simulator:gpt-4o');
  });

  it('is a 404 NotFoundError for an unknown model or provider', async () => {
    const client = gateway.client();
    for (const id of ['simulator:no-such-model', 'nowhere:gpt-4o']) {
      const error = await client.models.retrieve(id).catch((caught: unknown) => caught);
      expect(error, id).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error, id).toMatchObject({ status: 404, code: 'model_not_found' });
    }
  });
});
