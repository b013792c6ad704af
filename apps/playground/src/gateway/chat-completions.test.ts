import {
  type ChatCompletion,
  parseChatCompletion,
  parseChatCompletionChunk,
} from '@ply/response-models';
import type OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ssePayloads } from '../ui/ui.test-support.js';
import { type GatewayFixture, startGateway } from './gateway.test-support.js';

let gateway: GatewayFixture;
beforeEach(async () => {
  gateway = await startGateway();
});
afterEach(async () => {
  await gateway.close();
});

const PROMPT = 'The quick brown fox jumps over the lazy dog, twice over.';
const WEATHER_TOOL: OpenAI.Chat.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
      required: ['city', 'days'],
      additionalProperties: false,
    },
  },
};

function chatLog() {
  return gateway.stack.simulator.log.filter('/v1/chat/completions');
}

describe('POST /v1/chat/completions, not streamed', () => {
  it('answers through the stack in the OpenAI format the SDK reads', async () => {
    const completion = await gateway.client().chat.completions.create({
      model: 'simulator:gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: PROMPT },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.message).toMatchObject({
      role: 'assistant',
      content: PROMPT,
      refusal: null,
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    const logged = chatLog();
    expect(logged).toHaveLength(1);
    expect(completion.usage).toMatchObject({
      prompt_tokens: logged[0]?.usage?.prompt_tokens,
      completion_tokens: logged[0]?.usage?.completion_tokens,
      total_tokens: logged[0]?.usage?.total_tokens,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(completion.system_fingerprint).toBe('fp_ply_sim');
  });

  it('is a strictly valid chat.completion, with the upstream request id and rate-limit headers', async () => {
    const response = await gateway.post('/chat/completions', {
      model: 'simulator:gpt-4o-mini',
      messages: [{ role: 'user', content: PROMPT }],
    });
    expect(response.status).toBe(200);
    const body = parseChatCompletion(await response.json(), { mode: 'strict' });
    expect(body.choices[0]?.message.content).toBe(PROMPT);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const upstream = chatLog()[0];
    expect(response.headers.get('x-upstream-request-id')).toBe(upstream?.requestId);
    expect(response.headers.get('x-upstream-request-id')).not.toBe(
      response.headers.get('x-request-id'),
    );
    expect(Number(response.headers.get('x-ratelimit-limit-requests'))).toBeGreaterThan(0);
    expect(response.headers.get('x-ratelimit-remaining-tokens')).not.toBeNull();
  });

  it('sends a bare model to the default provider, and no model to the default target', async () => {
    await gateway.client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'bare' }],
    });
    const response = await gateway.post('/chat/completions', {
      messages: [{ role: 'user', content: 'no model' }],
    });
    expect(response.status).toBe(200);
    // A fine-tuned id's own colons do not make `ft` a provider (the simulator answers any model).
    const fineTuned = await gateway.post('/chat/completions', {
      model: 'ft:gpt-4o-mini:acme::abc123',
      messages: [{ role: 'user', content: 'fine-tuned' }],
    });
    expect(fineTuned.status).toBe(200);
    expect(chatLog().map((entry) => entry.model)).toEqual([
      'gpt-4o',
      'gpt-4o-mini',
      'ft:gpt-4o-mini:acme::abc123',
    ]);
  });

  it('returns tool calls with their arguments and finish_reason tool_calls', async () => {
    const completion = await gateway.client().chat.completions.create({
      model: 'simulator:sim-tools',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [WEATHER_TOOL],
      tool_choice: 'required',
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({
      city: expect.any(String),
      days: expect.any(Number),
    });
    // What went upstream is the wire tool, unchanged.
    expect(chatLog()[0]?.body).toMatchObject({ tools: [WEATHER_TOOL], tool_choice: 'required' });
  });

  it('carries a tool round trip: the assistant call and the tool result go upstream', async () => {
    const completion = await gateway.client().chat.completions.create({
      model: 'simulator:sim-tools',
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo","days":1}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Snow, -3C' },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(completion.choices[0]?.message.content).toBe('Tool results: Snow, -3C');
    expect(chatLog()[0]?.body).toMatchObject({
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo","days":1}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'Snow, -3C' },
      ],
    });
  });

  it('answers structured output that follows the json_schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        title: { type: 'string' },
        rating: { type: 'integer', minimum: 1, maximum: 5 },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['title', 'rating', 'tags'],
      additionalProperties: false,
    };
    const response = await gateway.post('/chat/completions', {
      model: 'simulator:sim-json',
      messages: [{ role: 'user', content: 'Review this film.' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'review', schema, strict: true },
      },
    });
    const body = parseChatCompletion(await response.json(), { mode: 'strict' });
    const review = JSON.parse(body.choices[0]?.message.content ?? '');
    expect(review).toEqual({
      title: expect.any(String),
      rating: expect.any(Number),
      tags: expect.any(Array),
    });
    expect(review.rating).toBeGreaterThanOrEqual(1);
    expect(review.rating).toBeLessThanOrEqual(5);
    expect(chatLog()[0]?.body).toMatchObject({
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'review', schema, strict: true },
      },
    });
  });

  it('returns a refusal as message.refusal with null content', async () => {
    const completion = await gateway.client().chat.completions.create({
      model: 'simulator:sim-refusal',
      messages: [{ role: 'user', content: 'Something forbidden' }],
    });
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.choices[0]?.message.refusal).toMatch(/can't help/);
  });

  it('returns logprobs with their top alternatives, and n choices', async () => {
    const response = await gateway.post('/chat/completions', {
      model: 'simulator:gpt-4o-mini',
      messages: [{ role: 'user', content: 'two words' }],
      logprobs: true,
      top_logprobs: 2,
      n: 2,
    });
    const body = parseChatCompletion(await response.json(), { mode: 'strict' });
    expect(body.choices.map((choice) => choice.index)).toEqual([0, 1]);
    const tokens = body.choices[0]?.logprobs?.content ?? [];
    expect(tokens.map((token) => token.token).join('')).toBe('two words');
    for (const token of tokens) {
      expect(token.logprob).toBeLessThanOrEqual(0);
      expect(token.top_logprobs).toHaveLength(2);
    }
  });

  it('passes every sampling and control parameter upstream', async () => {
    await gateway.client().chat.completions.create({
      model: 'simulator:gpt-4o-mini',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Obey.' }] },
        {
          role: 'user',
          name: 'ada',
          content: [
            { type: 'text', text: 'Look: ' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          ],
        },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_completion_tokens: 50,
      stop: ['\n\n'],
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logit_bias: { '50256': -100 },
      user: 'user-42',
      service_tier: 'default',
      store: false,
      metadata: { run: 'gateway-test' },
    });
    expect(chatLog()[0]?.body).toMatchObject({
      messages: [
        { role: 'developer', content: 'Obey.' },
        {
          role: 'user',
          name: 'ada',
          content: [
            { type: 'text', text: 'Look: ' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          ],
        },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 50,
      stop: ['\n\n'],
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logit_bias: { '50256': -100 },
      user: 'user-42',
      service_tier: 'default',
      store: false,
      metadata: { run: 'gateway-test' },
    });
  });
});

describe('POST /v1/chat/completions, streamed', () => {
  it('streams text that assembles to the non-streamed answer, then usage when asked', async () => {
    const client = gateway.client();
    const request = {
      model: 'simulator:gpt-4o-mini',
      messages: [{ role: 'user' as const, content: PROMPT }],
    };
    const plain = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(plain.choices[0]?.message.content);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role)).toHaveLength(1);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual([
      'stop',
    ]);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(plain.usage);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('sends strictly valid chunks and [DONE], with no usage chunk unless asked', async () => {
    const response = await gateway.post('/chat/completions', {
      model: 'simulator:gpt-4o-mini',
      messages: [{ role: 'user', content: PROMPT }],
      stream: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const payloads = ssePayloads(await response.text());
    expect(payloads.at(-1)).toBe('[DONE]');
    const chunks = payloads
      .slice(0, -1)
      .map((payload) => parseChatCompletionChunk(JSON.parse(payload), { mode: 'strict' }));
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((chunk) => chunk.usage === undefined && chunk.choices.length === 1)).toBe(
      true,
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(PROMPT);
  });

  it('streams tool calls as indexed fragments that assemble to the non-streamed call', async () => {
    const client = gateway.client();
    const request = {
      model: 'simulator:sim-tools',
      messages: [{ role: 'user' as const, content: 'Weather in Lima?' }],
      tools: [WEATHER_TOOL],
    };
    const plain = await client.chat.completions.create(request);
    // The SDK's own accumulator rebuilds the message from index/id/name/arguments deltas.
    const streamed = await client.chat.completions.stream(request).finalChatCompletion();
    const plainCall = plain.choices[0]?.message.tool_calls?.[0];
    const streamedCall = streamed.choices[0]?.message.tool_calls?.[0];
    // Ids are minted per request; everything else is the same call.
    expect(streamedCall).toEqual({ ...plainCall, id: expect.stringMatching(/^call_/) });
    expect(streamed.choices[0]?.finish_reason).toBe('tool_calls');

    const response = await gateway.post('/chat/completions', { ...request, stream: true });
    const chunks = ssePayloads(await response.text())
      .slice(0, -1)
      .map((payload) => parseChatCompletionChunk(JSON.parse(payload), { mode: 'strict' }));
    const fragments = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(fragments.length).toBeGreaterThan(1);
    expect(fragments[0]).toMatchObject({
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: 'function',
      function: { name: 'get_weather' },
    });
    expect(fragments.slice(1).every((fragment) => fragment.id === undefined)).toBe(true);
    expect(fragments.map((fragment) => fragment.function?.arguments ?? '').join('')).toBe(
      plainCall?.type === 'function' ? plainCall.function.arguments : undefined,
    );
  });

  it('streams each of n choices with its own role delta, finish reason and logprobs', async () => {
    const request = {
      model: 'simulator:gpt-4o-mini',
      messages: [{ role: 'user' as const, content: 'several small words' }],
      n: 2,
      logprobs: true,
    };
    const response = await gateway.post('/chat/completions', { ...request, stream: true });
    const chunks = ssePayloads(await response.text())
      .slice(0, -1)
      .map((payload) => parseChatCompletionChunk(JSON.parse(payload), { mode: 'strict' }));
    for (const index of [0, 1]) {
      const own = chunks.flatMap((chunk) =>
        chunk.choices.filter((choice) => choice.index === index),
      );
      expect(own[0]?.delta.role).toBe('assistant');
      expect(own.map((choice) => choice.finish_reason).filter(Boolean)).toEqual(['stop']);
    }
    // The SDK's accumulator puts the logprobs chunks back together per choice.
    const final = await gateway.client().chat.completions.stream(request).finalChatCompletion();
    for (const choice of final.choices) {
      const tokens = choice.logprobs?.content?.map((token) => token.token).join('');
      expect(tokens).toBe('several small words');
      expect(choice.message.content).toBe('several small words');
    }
  });

  it('streams a refusal as refusal deltas', async () => {
    const stream = await gateway.client().chat.completions.create({
      model: 'simulator:sim-refusal',
      messages: [{ role: 'user', content: 'Something forbidden' }],
      stream: true,
    });
    let refusal = '';
    for await (const chunk of stream) refusal += chunk.choices[0]?.delta.refusal ?? '';
    expect(refusal).toMatch(/can't help/);
  });
});

describe('costs', () => {
  it('records every gateway call, streamed or not, in the ledger with its cost', async () => {
    const client = gateway.client();
    const request = {
      model: 'simulator:gpt-4o-mini',
      messages: [{ role: 'user' as const, content: PROMPT }],
    };
    const plain: ChatCompletion = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({ ...request, stream: true });
    for await (const _chunk of stream) {
      // drain
    }
    const entries = gateway.stack.ledger.entries();
    expect(entries.map((entry) => entry.stream)).toEqual([false, true]);
    for (const entry of entries) {
      expect(entry.model).toBe('gpt-4o-mini');
      expect(entry.cost.amount).toBeGreaterThan(0);
      expect(entry.scope.tags).toContain('gateway');
    }
    expect(entries[0]?.usage.inputTokens).toBe(plain.usage?.prompt_tokens);
  });
});
