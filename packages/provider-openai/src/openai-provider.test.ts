import {
  AuthenticationError,
  ContextWindowExceededError,
  InvalidRequestError,
  NotFoundError,
  ProviderRegistry,
  UnsupportedFeatureError,
} from '@ply/core';
import { createSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAzureOpenAIProvider } from './create-azure-provider.js';
import { createOpenAIProvider } from './create-openai-provider.js';
import { OpenAIProvider } from './openai-provider.js';
import { ask, simulatorAndProvider } from './provider.test-support.js';
import { completeStructured } from './structured-output.js';

let setup: Awaited<ReturnType<typeof simulatorAndProvider>>;
beforeAll(async () => {
  setup = await simulatorAndProvider();
});
afterAll(() => setup.close());

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('configuration', () => {
  it('prefers explicit options to the environment, and reads the environment otherwise', async () => {
    const strict = await simulatorAndProvider({ acceptKey: (key) => key === 'env-key' });
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'env-key';
    try {
      const fromEnv = createOpenAIProvider({ baseURL: strict.running.url });
      expect((await fromEnv.complete(ask('hi'))).text).toBe('hi');
      const explicit = createOpenAIProvider({
        baseURL: strict.running.url,
        apiKey: 'explicit-key',
      });
      await expect(explicit.complete(ask('hi'))).rejects.toSatisfy((error) =>
        AuthenticationError.isInstance(error),
      );
    } finally {
      process.env.OPENAI_API_KEY = saved;
      await strict.close();
    }
  });

  it('fails a call without a key before any request, except for local servers', async () => {
    const simulator = createSimulator();
    const remote = new OpenAIProvider({
      baseURL: 'https://api.example.test/v1',
      fetch: simulator.fetch,
    });
    await expect(remote.complete(ask('x'))).rejects.toSatisfy((error) =>
      AuthenticationError.isInstance(error),
    );
    expect(simulator.log.entries).toHaveLength(0);
    const local = new OpenAIProvider({ baseURL: setup.running.url });
    expect((await local.complete(ask('no key needed'))).text).toBe('no key needed');
  });

  it('serves through an injected fetch, without sockets', async () => {
    const simulator = createSimulator();
    const provider = new OpenAIProvider({
      apiKey: 'test-key',
      baseURL: 'http://simulator.invalid/v1',
      fetch: simulator.fetch,
    });
    expect((await provider.complete(ask('in process'))).text).toBe('in process');
    expect(simulator.log.entries).toHaveLength(1);
  });

  it('sends default and per-call headers', async () => {
    const local = await simulatorAndProvider({}, { headers: { 'x-team': 'search' } });
    try {
      local.faults.addRule({ header: { name: 'x-team', value: 'search' } }, { kind: 'quota' }, 1);
      await expect(local.provider.complete(ask('x'))).rejects.toMatchObject({
        code: 'quota_exhausted',
      });
      local.faults.addRule({ header: { name: 'x-call', value: 'one' } }, { kind: 'quota' }, 1);
      await expect(
        local.provider.complete(ask('x'), { headers: { 'x-call': 'one' } }),
      ).rejects.toMatchObject({ code: 'quota_exhausted' });
    } finally {
      await local.close();
    }
  });

  it('leaves retrying to ply: one failed attempt, one request', async () => {
    const before = setup.requests().length;
    setup.faults.enqueue({ kind: 'server-error', status: 503 });
    await expect(setup.provider.complete(ask('x'))).rejects.toMatchObject({
      code: 'server_error',
      status: 503,
      retryable: true,
    });
    expect(setup.requests().length - before).toBe(1);
  });
});

describe('chat requests', () => {
  it('maps messages, image parts and sampling settings to the API', async () => {
    await setup.provider.complete({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', url: 'https://example.com/a.png', detail: 'low' },
          ],
          name: 'ann',
        },
      ],
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 64,
      stop: ['END'],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      user: 'user-1',
      serviceTier: 'flex',
    });
    expect(setup.lastBody()).toMatchObject({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
          ],
        },
      ],
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 64,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      user: 'user-1',
      service_tier: 'flex',
    });
  });

  it('follows the rules of reasoning models, and says what it dropped', async () => {
    const result = await setup.provider.complete({
      model: 'o3-mini',
      messages: [
        { role: 'system', content: 'Think.' },
        { role: 'user', content: 'Why?' },
      ],
      maxOutputTokens: 500,
      temperature: 0.3,
      reasoningEffort: 'high',
    });
    const body = setup.lastBody();
    expect(body).toMatchObject({
      max_completion_tokens: 500,
      reasoning_effort: 'high',
      messages: [{ role: 'developer', content: 'Think.' }, { role: 'user' }],
    });
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('max_tokens');
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'temperature' }),
    ]);
    expect(result.usage.reasoningTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(result.usage.reasoningTokens);
  });

  it('drops reasoning effort on a model without reasoning, with a warning', async () => {
    const result = await setup.provider.complete({
      model: 'gpt-4o-mini',
      ...ask('x'),
      reasoningEffort: 'low',
    });
    expect(setup.lastBody()).not.toHaveProperty('reasoning_effort');
    expect(result.warnings[0]?.setting).toBe('reasoningEffort');
  });

  it('validates before the network, naming the field', async () => {
    const before = setup.running.simulator.log.entries.length;
    const error = await setup.provider
      .complete({ ...ask('x'), temperature: 3 })
      .catch((failure: unknown) => failure);
    expect(InvalidRequestError.isInstance(error) && error.field).toBe('temperature');
    expect(setup.running.simulator.log.entries.length).toBe(before);
  });

  it('runs a tool round trip', async () => {
    const first = await setup.provider.complete({
      model: 'sim-tools',
      ...ask('Weather in Oslo?'),
      tools: [weather],
      toolChoice: 'auto',
    });
    expect(first.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    const call = first.toolCalls[0];
    expect(call?.name).toBe('get_weather');
    expect(typeof (call?.input as { city?: unknown } | undefined)?.city).toBe('string');
    const second = await setup.provider.complete({
      model: 'sim-tools',
      tools: [weather],
      messages: [
        ...ask('Weather in Oslo?').messages,
        { role: 'assistant', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: call?.id ?? '', content: 'Sunny' },
      ],
    });
    expect(second.text).toBe('Tool results: Sunny');
  });

  it('calls tools in parallel and honours a named tool choice', async () => {
    const clock = {
      type: 'function' as const,
      name: 'get_time',
      parameters: { type: 'object', properties: {} },
    };
    const parallel = await setup.provider.complete({
      model: 'sim-tools',
      ...ask('call all tools in parallel'),
      tools: [weather, clock],
      parallelToolCalls: true,
    });
    expect(parallel.toolCalls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    const named = await setup.provider.complete({
      model: 'sim-tools',
      ...ask('what time?'),
      tools: [weather, clock],
      toolChoice: { type: 'function', name: 'get_time' },
    });
    expect(setup.lastBody()?.tool_choice).toEqual({
      type: 'function',
      function: { name: 'get_time' },
    });
    expect(named.toolCalls.map((call) => call.name)).toEqual(['get_time']);
  });

  it('returns structured output validated by a zod schema', async () => {
    const Person = z.object({
      name: z.string(),
      age: z.number().int().min(0).max(150),
      nickname: z.string().optional(),
    });
    const { value, result } = await completeStructured(
      setup.provider,
      { model: 'sim-json', ...ask('A person') },
      Person,
      { name: 'person' },
    );
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age)).toBe(true);
    type Format = { json_schema: { schema: Record<string, unknown>; strict: boolean } };
    const format = (setup.lastBody()?.response_format as Format | undefined)?.json_schema;
    expect(format?.strict).toBe(true);
    expect(format?.schema).toMatchObject({
      additionalProperties: false,
      required: ['name', 'age', 'nickname'],
    });
    expect(result.finishReason.unified).toBe('stop');
  });

  it('keeps everything the API returned', async () => {
    const result = await setup.provider.complete({
      model: 'sim-echo',
      ...ask('one two'),
      logprobs: true,
      topLogprobs: 2,
      n: 2,
      serviceTier: 'priority',
    });
    expect(result.choices).toHaveLength(2);
    expect(result.logprobs?.map((entry) => entry.token).join('')).toBe('one two');
    expect(result.logprobs?.[0]?.topLogprobs).toHaveLength(2);
    expect(result.meta).toMatchObject({
      serviceTier: 'priority',
      systemFingerprint: 'fp_ply_sim',
      model: 'sim-echo',
    });
    expect(result.meta.requestId).toMatch(/^req_/);
    expect(result.meta.id).toMatch(/^chatcmpl-/);
    expect(result.meta.rateLimit?.limitRequests).toBe(10_000);
    expect(result.usage.raw).toMatchObject({ prompt_tokens: result.usage.inputTokens });
    expect((result.raw as { id: string }).id).toBe(result.meta.id);
  });

  it('reports refusals and cached input', async () => {
    const refused = await setup.provider.complete({ model: 'sim-refusal', ...ask('no') });
    expect(refused.refusal).toMatch(/can't help/);
    const long = 'All work and no play makes ply a dull library. '.repeat(150);
    const messages = [{ role: 'system' as const, content: long }, ...ask('first').messages];
    await setup.provider.complete({ messages });
    const second = await setup.provider.complete({
      messages: [messages[0] as (typeof messages)[0], ...ask('second').messages],
    });
    expect(second.usage.cachedInputTokens).toBeGreaterThanOrEqual(1024);
  });
});

describe('errors the API returns', () => {
  it('maps each status to its typed error', async () => {
    await expect(
      setup.provider.complete({ model: 'gpt-imaginary', ...ask('x') }),
    ).rejects.toSatisfy((error) => NotFoundError.isInstance(error));
    const tooLong = await setup.provider
      .complete({ model: 'sim-small', ...ask('word '.repeat(5000)) })
      .catch((failure: unknown) => failure);
    expect(ContextWindowExceededError.isInstance(tooLong)).toBe(true);
    const tooMany = await setup.provider
      .complete({ model: 'gpt-4o-mini', ...ask('x'), maxOutputTokens: 100_000 })
      .catch((failure: unknown) => failure);
    expect(InvalidRequestError.isInstance(tooMany) && tooMany.field).toBe('max_tokens');
    setup.faults.enqueue([
      { kind: 'rate-limit', retryAfterMs: 1500 },
      { kind: 'quota' },
      { kind: 'server-error', status: 502 },
      { kind: 'reset-before-headers' },
    ]);
    await expect(setup.provider.complete(ask('x'))).rejects.toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfterMs: 1500,
      retryable: true,
      rateLimit: { remainingRequests: 0 },
    });
    await expect(setup.provider.complete(ask('x'))).rejects.toMatchObject({
      code: 'quota_exhausted',
      retryable: false,
    });
    await expect(setup.provider.complete(ask('x'))).rejects.toMatchObject({
      code: 'server_error',
      status: 502,
      retryable: true,
    });
    await expect(setup.provider.complete(ask('x'))).rejects.toMatchObject({
      code: 'connection',
      retryable: true,
    });
  });

  it('never repeats the key, in the message, the JSON or the cause', async () => {
    const key = ['sk', 'proj', 'PLANTEDkey0123456789abcdef'].join('-');
    const strict = await simulatorAndProvider({ acceptKey: () => false }, { apiKey: key });
    try {
      const error = await strict.provider.complete(ask('x')).catch((failure: unknown) => failure);
      expect(AuthenticationError.isInstance(error)).toBe(true);
      const everything = JSON.stringify([
        String(error),
        (error as Error).message,
        (error as Error).cause,
        String((error as Error).cause),
      ]);
      expect(everything).not.toContain('PLANTEDkey');
    } finally {
      await strict.close();
    }
  });

  it('times out and aborts with typed errors', async () => {
    const { ManualClock } = await import('@ply/core/testing');
    const slow = await simulatorAndProvider({ clock: new ManualClock(Date.now()) });
    try {
      slow.faults.enqueue({ kind: 'slow-headers', ms: 60_000 });
      await expect(slow.provider.complete(ask('x'), { timeout: 30 })).rejects.toMatchObject({
        code: 'timeout',
        phase: 'request',
      });
      slow.faults.enqueue({ kind: 'slow-headers', ms: 60_000 });
      const controller = new AbortController();
      const pending = slow.provider.complete(ask('x'), { signal: controller.signal });
      setTimeout(() => controller.abort(), 5);
      await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    } finally {
      await slow.close();
    }
  });
});

describe('embeddings, models and capabilities', () => {
  it('splits inputs over requests and keeps their order', async () => {
    const batched = await simulatorAndProvider({}, { maxEmbeddingInputs: 2 });
    try {
      const inputs = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
      const split = await batched.provider.embed({ input: inputs, dimensions: 8 });
      expect(batched.requests('/v1/embeddings')).toHaveLength(3);
      const whole = await setup.provider.embed({ input: inputs, dimensions: 8 });
      expect(split.embeddings).toEqual(whole.embeddings);
      expect(split.embeddings[0]).toBeInstanceOf(Float32Array);
      expect(split.usage.inputTokens).toBe(whole.usage.inputTokens);
      expect(batched.lastBody()?.encoding_format).toBe('base64');
    } finally {
      await batched.close();
    }
  });

  it('caches the model list until refreshed, and knows published windows', async () => {
    const before = setup.requests('/v1/models').length;
    const first = await setup.provider.listModels();
    await setup.provider.listModels();
    expect(setup.requests('/v1/models').length - before).toBe(1);
    await setup.provider.refreshModels();
    expect(setup.requests('/v1/models').length - before).toBe(2);
    expect(first.find((model) => model.id === 'gpt-4o')?.contextWindow).toBe(128_000);
    const dated = await setup.provider.getModel('gpt-4o-mini');
    expect(dated).toMatchObject({ contextWindow: 128_000, maxOutputTokens: 16_384 });
    expect((await setup.provider.getModel('sim-echo')).contextWindow).toBeUndefined();
    expect(setup.provider.capabilities('o3-mini')).toMatchObject({
      reasoning: true,
      logprobs: false,
    });
  });
});

describe('OpenAI-compatible servers', () => {
  it('refuses features a server lacks before the network, and adapts roles and usage', async () => {
    const ollama = await simulatorAndProvider(
      {},
      {
        id: 'ollama',
        compatibility: { unsupported: ['tools'], developerRole: false, streamUsage: false },
      },
    );
    try {
      const before = ollama.running.simulator.log.entries.length;
      const error = await ollama.provider
        .complete({ ...ask('x'), tools: [weather] })
        .catch((failure: unknown) => failure);
      expect(UnsupportedFeatureError.isInstance(error) && error.feature).toBe('tools');
      expect(ollama.running.simulator.log.entries.length).toBe(before);
      expect(ollama.provider.capabilities('llama3').tools).toBe(false);
      const stream = ollama.provider.stream({
        messages: [{ role: 'developer', content: 'rules' }, ...ask('hi').messages],
      });
      await stream.result;
      expect(ollama.lastBody()).toMatchObject({
        messages: [{ role: 'system', content: 'rules' }, { role: 'user' }],
      });
      expect(ollama.lastBody()).not.toHaveProperty('stream_options');
    } finally {
      await ollama.close();
    }
  });

  it('talks to Azure deployments', async () => {
    const azure = createAzureOpenAIProvider({
      endpoint: setup.running.url.replace(/\/v1$/, ''),
      apiVersion: '2024-10-21',
      deployment: 'gpt-4o-mini',
      apiKey: 'azure-key',
    });
    expect(azure.id).toBe('azure');
    expect((await azure.complete(ask('hello Azure'))).text).toBe('hello Azure');
    expect(setup.lastBody()?.model).toBe('gpt-4o-mini');
  });

  it('registers under its id in the registry', async () => {
    const registry = new ProviderRegistry().register('openai', setup.provider);
    expect((await registry.complete('openai:gpt-4o', ask('via registry'))).model).toBe('gpt-4o');
  });
});
