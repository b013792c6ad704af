import { decodeBase64Embedding, parseEmbeddingResponse } from '@ply/response-models';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBase64Embedding } from './embeddings-route.js';
import { type GatewayFixture, startGateway } from './gateway.test-support.js';

let gateway: GatewayFixture;
beforeEach(async () => {
  gateway = await startGateway();
});
afterEach(async () => {
  await gateway.close();
});

const INPUT = ['The first text.', 'A second, different text.'];

async function embeddings(body: Record<string, unknown>) {
  const response = await gateway.post('/embeddings', body);
  expect(response.status).toBe(200);
  return parseEmbeddingResponse(await response.json(), { mode: 'strict' });
}

describe('POST /v1/embeddings', () => {
  it('answers a strictly valid list of float embeddings with usage', async () => {
    const body = await embeddings({ model: 'simulator:sim-embed', input: INPUT });
    expect(body.object).toBe('list');
    expect(body.model).toBe('sim-embed');
    expect(body.data.map((item) => [item.object, item.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    const [first, second] = body.data.map((item) => item.embedding as number[]);
    expect(first).toHaveLength(64);
    expect(first).not.toEqual(second);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens);
  });

  it('encodes base64 as little-endian float32, the same vectors as floats', async () => {
    const floats = await embeddings({ model: 'simulator:sim-embed', input: INPUT });
    const base64 = await embeddings({
      model: 'simulator:sim-embed',
      input: INPUT,
      encoding_format: 'base64',
    });
    for (const [index, item] of base64.data.entries()) {
      expect(typeof item.embedding).toBe('string');
      const decoded = decodeBase64Embedding(item.embedding as string);
      expect(Array.from(decoded)).toEqual(floats.data[index]?.embedding);
    }
    // Byte order on the wire does not depend on the machine's.
    const bytes = Buffer.from(encodeBase64Embedding(Float32Array.of(1)), 'base64');
    expect([...bytes]).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it('serves the SDK, which asks for base64 and decodes it, and honours dimensions', async () => {
    const client = gateway.client();
    const result = await client.embeddings.create({
      model: 'simulator:sim-embed',
      input: INPUT[0] as string,
      dimensions: 16,
    });
    expect(result.data).toHaveLength(1);
    expect(result.data[0]?.embedding).toHaveLength(16);
    const logged = gateway.stack.simulator.log.filter('/v1/embeddings');
    expect(logged[0]?.body).toMatchObject({ model: 'sim-embed', dimensions: 16 });
  });

  it('uses the default provider when the model is bare or missing', async () => {
    await embeddings({ model: 'sim-embed', input: 'bare' });
    await embeddings({ input: 'no model' });
    const models = gateway.stack.simulator.log.filter('/v1/embeddings').map((entry) => entry.model);
    expect(models).toEqual(['sim-embed', 'text-embedding-3-small']);
  });

  it('refuses bad input with the field named, before any upstream call', async () => {
    const client = gateway.client();
    const cases: [Record<string, unknown>, string][] = [
      [{ input: [] }, 'input'],
      [{ input: [1, 2, 3] }, 'input'],
      [{ input: 'x', encoding_format: 'hex' }, 'encoding_format'],
      [{ input: 'x', dimensions: 0 }, 'dimensions'],
    ];
    for (const [body, param] of cases) {
      const error = await client.embeddings
        .create({ model: 'simulator:sim-embed', ...body } as never)
        .catch((caught: unknown) => caught);
      expect(error, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error, param).toMatchObject({ status: 400, param });
    }
    expect(gateway.stack.simulator.log.filter('/v1/embeddings')).toHaveLength(0);
  });
});
