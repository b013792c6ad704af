import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '@ply/core/testing';
import { decodeBase64Embedding } from '@ply/response-models';
import OpenAI, { type APIError, AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFUSAL } from './behaviours/chat-answer.js';
import { type RunningSimulator, startSimulator } from './server.js';
import { createSimulator } from './simulator.js';
import { countText } from './tokens.js';

const TOKEN_CASES = fileURLToPath(
  new URL('../../../../shared/reference/tokens/cases.jsonl', import.meta.url),
);

let running: RunningSimulator;
let client: OpenAI;

beforeAll(async () => {
  running = await startSimulator({ port: 0, organization: 'org-sim' });
  client = new OpenAI({ apiKey: 'test-key', baseURL: running.url, maxRetries: 0 });
});
afterAll(() => running.close());

const ask = (content: string) => [{ role: 'user' as const, content }];
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 2 },
        unit: { type: 'string', enum: ['c', 'f'] },
        days: { type: 'integer', minimum: 1, maximum: 7 },
      },
      required: ['city', 'unit', 'days'],
      additionalProperties: false,
    },
  },
};

describe('chat completions', () => {
  it('echoes the last user message with exact usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: ask('Hello there, simulator!'),
    });
    expect(completion.choices[0]?.message.content).toBe('Hello there, simulator!');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(
      countText('Hello there, simulator!', 'o200k_base'),
    );
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    expect(completion.service_tier).toBe('default');
  });

  it('bills prompt tokens exactly as OpenAI did for every recorded text request', async () => {
    const cases = readFileSync(TOKEN_CASES, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter(
        (entry) =>
          (entry.kind === 'text' || entry.kind === 'name') &&
          entry.framing_check === entry.prompt_tokens,
      );
    expect(cases.length).toBeGreaterThan(50);
    const simulator = createSimulator({
      models: cases.map((entry) => ({
        id: entry.model,
        kind: 'chat',
        behaviour: 'echo',
        ownedBy: 'system',
        created: 0,
        contextWindow: 1_000_000,
        maxOutputTokens: 100_000,
      })),
    });
    const local = new OpenAI({
      apiKey: 'test-key',
      baseURL: 'http://simulator.invalid/v1',
      fetch: simulator.fetch,
      maxRetries: 0,
    });
    const mismatches: string[] = [];
    for (const entry of cases) {
      const completion = await local.chat.completions.create({
        model: entry.model,
        messages: entry.request.messages,
      });
      if (completion.usage?.prompt_tokens !== entry.prompt_tokens)
        mismatches.push(
          `${entry.id}: ${completion.usage?.prompt_tokens} != ${entry.prompt_tokens}`,
        );
    }
    expect(mismatches).toEqual([]);
  });

  it('answers the same request the same way', async () => {
    const request = { model: 'sim-lorem', messages: ask('Write 30 words'), seed: 3 };
    const first = await client.chat.completions.create(request);
    const second = await client.chat.completions.create(request);
    expect(first.choices[0]?.message.content).toBe(second.choices[0]?.message.content);
    expect(first.choices[0]?.message.content?.split(' ')).toHaveLength(30);
  });

  it('stops at the output limit with finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-lorem',
      messages: ask('Write 100 words'),
      max_tokens: 7,
    });
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(7);
  });

  it('calls the first tool with arguments valid for its schema, and all tools on request', async () => {
    const single = await client.chat.completions.create({
      model: 'sim-tools',
      messages: ask('Weather in Oslo?'),
      tools: [weatherTool],
    });
    const call = single.choices[0]?.message.tool_calls?.[0];
    expect(single.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    const args = JSON.parse(call?.type === 'function' ? call.function.arguments : '{}');
    expect(Object.keys(args).sort()).toEqual(['city', 'days', 'unit']);
    expect(args.city.length).toBeGreaterThanOrEqual(2);
    expect(['c', 'f']).toContain(args.unit);
    expect(args.days).toBeGreaterThanOrEqual(1);
    expect(args.days).toBeLessThanOrEqual(7);

    const second = {
      type: 'function' as const,
      function: { name: 'get_time', parameters: { type: 'object', properties: {} } },
    };
    const parallel = await client.chat.completions.create({
      model: 'sim-tools',
      messages: ask('Call all tools in parallel'),
      tools: [weatherTool, second],
    });
    expect(
      parallel.choices[0]?.message.tool_calls?.map(
        (toolCall) => toolCall.type === 'function' && toolCall.function.name,
      ),
    ).toEqual(['get_weather', 'get_time']);
  });

  it('answers with the tool results once they come back', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-tools',
      tools: [weatherTool],
      messages: [
        ...ask('Weather in Oslo?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '12°C and rain' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Tool results: 12°C and rain');
  });

  it('returns JSON matching a response_format schema', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-json',
      messages: ask('Describe a person'),
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          strict: true,
          schema: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              age: { type: 'integer', minimum: 0, maximum: 150 },
              tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
            },
            required: ['name', 'age', 'tags'],
            additionalProperties: false,
          },
        },
      },
    });
    const value = JSON.parse(completion.choices[0]?.message.content ?? '');
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
    expect(value.tags.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-refusal',
      messages: ask('Anything'),
    });
    expect(completion.choices[0]?.message.refusal).toBe(REFUSAL);
    expect(completion.choices[0]?.message.content).toBeNull();
  });

  it('reports reasoning tokens inside completion tokens, scaled by effort', async () => {
    const low = await client.chat.completions.create({
      model: 'o4-mini',
      messages: ask('Think about this'),
      reasoning_effort: 'low',
    });
    const high = await client.chat.completions.create({
      model: 'o4-mini',
      messages: ask('Think about this'),
      reasoning_effort: 'high',
    });
    const lowReasoning = low.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(lowReasoning).toBeGreaterThan(0);
    expect(high.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(lowReasoning);
    expect(low.usage?.completion_tokens).toBe(
      lowReasoning + countText('Think about this', 'o200k_base'),
    );
  });

  it('returns logprobs with top alternatives when asked', async () => {
    const completion = await client.chat.completions.create({
      model: 'sim-echo',
      messages: ask('one two three'),
      logprobs: true,
      top_logprobs: 3,
    });
    const content = completion.choices[0]?.logprobs?.content ?? [];
    expect(content.map((entry) => entry.token).join('')).toBe('one two three');
    expect(content[0]?.top_logprobs).toHaveLength(3);
    expect(content[0]?.logprob).toBeLessThanOrEqual(0);
  });

  it('reports cached tokens when a long prompt prefix repeats', async () => {
    const simulator = createSimulator();
    const local = new OpenAI({
      apiKey: 'cache-key',
      baseURL: 'http://simulator.invalid/v1',
      fetch: simulator.fetch,
      maxRetries: 0,
    });
    const document = 'The quick brown fox jumps over the lazy dog. '.repeat(200);
    const messages = [{ role: 'system' as const, content: document }, ...ask('Summarise.')];
    const first = await local.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const second = await local.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [...messages.slice(0, 1), ...ask('Shorter.')],
    });
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(cached % 128).toBe(0);
    expect(cached).toBeLessThanOrEqual(second.usage?.prompt_tokens ?? 0);
  });

  it('streams one chunk per token, then finish and usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: ask('Stream me, please.'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas.join('')).toBe('Stream me, please.');
    expect(deltas.length).toBe(countText('Stream me, please.', 'o200k_base'));
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(deltas.length);
  });

  it('streams tool calls as an id and name, then argument fragments', async () => {
    const stream = await client.chat.completions.create({
      model: 'sim-tools',
      messages: ask('Weather?'),
      tools: [weatherTool],
      stream: true,
    });
    let name = '';
    let args = '';
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        name += call.function?.name ?? '';
        args += call.function?.arguments ?? '';
      }
    }
    expect(name).toBe('get_weather');
    expect(Object.keys(JSON.parse(args)).sort()).toEqual(['city', 'days', 'unit']);
  });

  it('paces streams on the clock: time to first token, then per token', async () => {
    const clock = new ManualClock(Date.now());
    const simulator = createSimulator({
      clock,
      pace: { firstTokenDelayMs: 300, tokenDelayMs: 50 },
    });
    const local = new OpenAI({
      apiKey: 'test-key',
      baseURL: 'http://simulator.invalid/v1',
      fetch: simulator.fetch,
      maxRetries: 0,
    });
    const stream = await local.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: ask('a b'),
      stream: true,
    });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next(); // role chunk, unpaced
    let received = false;
    const firstToken = iterator.next().then(() => {
      received = true;
    });
    await clock.advance(299);
    expect(received).toBe(false);
    await clock.advance(1);
    await firstToken;
    expect(received).toBe(true);
    // The body is pulled ahead: the second token now waits its 50 ms.
    let second = false;
    const secondToken = iterator.next().then(() => {
      second = true;
    });
    await clock.advance(49);
    expect(second).toBe(false);
    await clock.advance(1);
    await secondToken;
    expect(second).toBe(true);
  });
});

describe('errors in the API envelope', () => {
  it('rejects a missing or refused key with 401', async () => {
    const noKey = await fetch(`${running.url}/chat/completions`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    const strict = await startSimulator({ port: 0, acceptKey: (key) => key === 'good-key' });
    try {
      const bad = new OpenAI({
        apiKey: 'bad-key-0123456789',
        baseURL: strict.url,
        maxRetries: 0,
      });
      const error = await bad.models.list().catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as APIError).code).toBe('invalid_api_key');
      expect((error as Error).message).not.toContain('bad-key-0123456789');
    } finally {
      await strict.close();
    }
  });

  it('names the parameter of an invalid request', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: ask('x'), temperature: 3 })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).param).toBe('temperature');
    expect((error as APIError).code).toBe('decimal_above_max_value');
  });

  it('refuses sampling parameters and max_tokens on reasoning models', async () => {
    const maxTokens = await client.chat.completions
      .create({ model: 'o3-mini', messages: ask('x'), max_tokens: 10 })
      .catch((failure: unknown) => failure);
    expect((maxTokens as APIError).code).toBe('unsupported_parameter');
    const temperature = await client.chat.completions
      .create({ model: 'o3-mini', messages: ask('x'), temperature: 0.2 })
      .catch((failure: unknown) => failure);
    expect((temperature as APIError).param).toBe('temperature');
  });

  it('computes context_length_exceeded from the model window', async () => {
    const error = await client.chat.completions
      .create({ model: 'sim-small', messages: ask('word '.repeat(5000)) })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as APIError).code).toBe('context_length_exceeded');
    expect((error as Error).message).toContain('maximum context length is 4096 tokens');
  });

  it('answers 404 model_not_found for an unknown model', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-imaginary', messages: ask('x') })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as APIError).code).toBe('model_not_found');
  });
});

describe('rate limits the simulator enforces', () => {
  it('sends x-ratelimit headers and a 429 with retry hints past the RPM', async () => {
    const clock = new ManualClock(Date.now());
    const simulator = createSimulator({ clock, rateLimits: { rpm: 2, tpm: 1_000_000 } });
    const local = new OpenAI({
      apiKey: 'rl-key',
      baseURL: 'http://simulator.invalid/v1',
      fetch: simulator.fetch,
      maxRetries: 0,
    });
    const first = await local.chat.completions
      .create({ model: 'gpt-4o-mini', messages: ask('one') })
      .withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    await clock.advance(10_000);
    await local.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('two') });
    const error = await local.chat.completions
      .create({ model: 'gpt-4o-mini', messages: ask('three') })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const headers = (error as APIError).headers;
    expect(headers?.get('retry-after-ms')).toBe('50000');
    expect(headers?.get('retry-after')).toBe('50');
    await clock.advance(50_000);
    await expect(
      local.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('four') }),
    ).resolves.toBeDefined();
  });

  it('counts tokens per minute, prompt plus requested output', async () => {
    const simulator = createSimulator({ rateLimits: { rpm: 100, tpm: 100 } });
    const local = new OpenAI({
      apiKey: 'tpm-key',
      baseURL: 'http://simulator.invalid/v1',
      fetch: simulator.fetch,
      maxRetries: 0,
    });
    const error = await local.chat.completions
      .create({ model: 'gpt-4o-mini', messages: ask('hi'), max_tokens: 200 })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as Error).message).toContain('Request too large');
  });
});

describe('other endpoints', () => {
  it('lists and retrieves models', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain('sim-tools');
    expect((await client.models.retrieve('text-embedding-3-small')).owned_by).toBe('system');
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('embeds deterministically, shortened by dimensions, as floats or base64', async () => {
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta', 'alpha'],
      dimensions: 16,
      encoding_format: 'float',
    });
    expect(floats.data.map((item) => item.embedding.length)).toEqual([16, 16, 16]);
    expect(floats.data[0]?.embedding).toEqual(floats.data[2]?.embedding);
    expect(floats.data[0]?.embedding).not.toEqual(floats.data[1]?.embedding);
    expect(floats.usage.prompt_tokens).toBe(3);
    const raw = await fetch(`${running.url}/embeddings`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'text-embedding-3-small',
        input: 'alpha',
        dimensions: 16,
        encoding_format: 'base64',
      }),
    });
    const body = (await raw.json()) as { data: { embedding: string }[] };
    const decoded = Array.from(decodeBase64Embedding(body.data[0]?.embedding ?? ''));
    for (const [index, value] of decoded.entries()) {
      expect(value).toBeCloseTo(floats.data[0]?.embedding[index] ?? Number.NaN, 6);
    }
    const error = await client.embeddings
      .create({ model: 'text-embedding-ada-002', input: 'x', dimensions: 8 })
      .catch((failure: unknown) => failure);
    expect((error as APIError).param).toBe('dimensions');
  });

  it('serves legacy completions, streaming and not', async () => {
    const completion = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Once upon a time',
      max_tokens: 5,
    });
    expect(completion.usage?.completion_tokens).toBe(5);
    expect(completion.choices[0]?.finish_reason).toBe('length');
    const stream = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Once upon a time',
      max_tokens: 5,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(completion.choices[0]?.text);
  });

  it('serves Azure deployment paths with the deployment as the model', async () => {
    const azure = new AzureOpenAI({
      apiKey: 'azure-key',
      endpoint: running.url.replace(/\/v1$/, ''),
      apiVersion: '2024-10-21',
      deployment: 'gpt-4o-mini',
      maxRetries: 0,
    });
    const completion = await azure.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: ask('from Azure'),
    });
    expect(completion.choices[0]?.message.content).toBe('from Azure');
    expect(running.simulator.log.entries.at(-1)?.path).toBe('/v1/chat/completions');
  });

  it("lets an Azure path's deployment win over the body's model, as Azure does", async () => {
    const response = await fetch(
      `${running.url.replace(/\/v1$/, '')}/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21`,
      {
        method: 'POST',
        headers: { 'api-key': 'azure-key', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', messages: ask('which deployment?') }),
      },
    );
    expect(((await response.json()) as { model: string }).model).toBe('gpt-4o-mini');
    expect(running.simulator.log.entries.at(-1)?.model).toBe('gpt-4o-mini');
  });

  it('sends the headers a client reads', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: ask('hi') })
      .withResponse();
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(Number(response.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(0);
    expect(response.headers.get('openai-version')).toBe('2020-10-01');
    expect(response.headers.get('openai-organization')).toBe('org-sim');
    expect(response.headers.get('x-ratelimit-reset-tokens')).toMatch(
      /^\d+(\.\d+)?(ms|s)$|^\d+m[\d.]+s$/,
    );
  });
});
