import { findSpecDrift, parseEmbeddingResponse } from '@ply/response-models';
import { describe, expect, it } from 'vitest';
import { createSimulator } from './simulator.js';

// Every response the simulator sends must be the spec exactly: strict response-models.
const simulator = createSimulator();

async function call(path: string, body?: unknown): Promise<Response> {
  return simulator.fetch(`http://simulator.invalid/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function chunksOf(response: Response): Promise<unknown[]> {
  const text = await response.text();
  const payloads = text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice(6));
  expect(payloads.at(-1)).toBe('[DONE]');
  return payloads.slice(0, -1).map((payload) => JSON.parse(payload));
}

const tool = {
  type: 'function',
  function: {
    name: 'lookup',
    parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
  },
};
const schemaFormat = {
  type: 'json_schema',
  json_schema: {
    name: 'answer',
    schema: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
  },
};
const CHAT_REQUESTS: [string, Record<string, unknown>][] = [
  ['echo', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }],
  [
    'lorem with n=2',
    { model: 'sim-lorem', messages: [{ role: 'user', content: '12 words' }], n: 2 },
  ],
  [
    'tool call',
    { model: 'sim-tools', messages: [{ role: 'user', content: 'look it up' }], tools: [tool] },
  ],
  [
    'structured output',
    {
      model: 'sim-json',
      messages: [{ role: 'user', content: 'json' }],
      response_format: schemaFormat,
    },
  ],
  ['refusal', { model: 'sim-refusal', messages: [{ role: 'user', content: 'no' }] }],
  [
    'reasoning',
    {
      model: 'o3-mini',
      messages: [
        { role: 'developer', content: 'be brief' },
        { role: 'user', content: 'why' },
      ],
      reasoning_effort: 'high',
    },
  ],
  [
    'logprobs',
    {
      model: 'sim-echo',
      messages: [{ role: 'user', content: 'a b c' }],
      logprobs: true,
      top_logprobs: 2,
    },
  ],
  [
    'truncated',
    {
      model: 'sim-lorem',
      messages: [{ role: 'user', content: '80 words' }],
      max_tokens: 5,
      service_tier: 'flex',
    },
  ],
];

describe('strict conformance of everything the simulator sends', () => {
  it.each(CHAT_REQUESTS)('chat completion: %s', async (_name, request) => {
    const body = await (await call('/chat/completions', request)).json();
    expect(findSpecDrift('CreateChatCompletionResponse', body)).toEqual([]);
  });

  it.each(CHAT_REQUESTS)('chat completion stream: %s', async (_name, request) => {
    const chunks = await chunksOf(
      await call('/chat/completions', {
        ...request,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks)
      expect(findSpecDrift('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
  });

  it('legacy completion, streaming and not', async () => {
    const request = { model: 'gpt-3.5-turbo-instruct', prompt: 'Say', max_tokens: 4 };
    expect(
      findSpecDrift('CreateCompletionResponse', await (await call('/completions', request)).json()),
    ).toEqual([]);
    const chunks = await chunksOf(await call('/completions', { ...request, stream: true }));
    expect(findSpecDrift('CreateCompletionResponse', chunks.at(-1))).toEqual([]);
    // The spec describes legacy stream chunks with the non-streaming schema; the real API
    // (and so the simulator) sends `finish_reason: null` until the last chunk: the one departure.
    for (const chunk of chunks.slice(0, -1)) {
      expect(findSpecDrift('CreateCompletionResponse', chunk)).toEqual([
        { path: 'choices[0].finish_reason', kind: 'unexpected-value' },
      ]);
    }
  });

  it('embeddings, as floats and as base64', async () => {
    const floats = await (
      await call('/embeddings', {
        model: 'text-embedding-3-large',
        input: ['x', 'y'],
        dimensions: 8,
      })
    ).json();
    expect(findSpecDrift('CreateEmbeddingResponse', floats)).toEqual([]);
    const base64 = await (
      await call('/embeddings', { model: 'sim-embed', input: 'x', encoding_format: 'base64' })
    ).json();
    expect(() => parseEmbeddingResponse(base64, { mode: 'strict' })).not.toThrow();
  });

  it('models, listed and one by one', async () => {
    expect(findSpecDrift('ListModelsResponse', await (await call('/models')).json())).toEqual([]);
    expect(findSpecDrift('Model', await (await call('/models/gpt-4o')).json())).toEqual([]);
  });

  it.each([
    [
      'unknown model',
      '/chat/completions',
      { model: 'nope', messages: [{ role: 'user', content: 'x' }] },
      404,
    ],
    ['bad parameter', '/chat/completions', { model: 'gpt-4o', messages: [], temperature: 1 }, 400],
    ['unknown path', '/not-an-endpoint', {}, 404],
  ] as const)('error envelope: %s', async (_name, path, request, status) => {
    const response = await call(path, request);
    expect(response.status).toBe(status);
    expect(findSpecDrift('ErrorResponse', await response.json())).toEqual([]);
  });
});
