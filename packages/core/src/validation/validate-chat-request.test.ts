import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../errors/api-errors.js';
import type { ChatRequest } from '../request.js';
import { validateChatRequest } from './validate-chat-request.js';

const user = { role: 'user', content: 'hi' };

/** A valid request with `patch` merged over it. */
const req = (patch: Record<string, unknown>): unknown => ({ messages: [user], ...patch });

/** A valid tool definition with `patch` merged over it. */
const tool = (patch: Record<string, unknown> = {}) => ({
  type: 'function',
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
  ...patch,
});

/** A valid request whose only tool has `parameters` as given. */
const withParameters = (parameters: unknown): unknown => req({ tools: [tool({ parameters })] });

function thrownBy(request: unknown): InvalidRequestError {
  try {
    validateChatRequest(request as ChatRequest);
  } catch (error) {
    if (InvalidRequestError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected validateChatRequest to throw');
}

const invalidCases: { name: string; field: string; request: unknown }[] = [
  { name: 'a request that is null', field: 'request', request: null },
  { name: 'an empty model', field: 'model', request: req({ model: '' }) },
  { name: 'missing messages', field: 'messages', request: {} },
  { name: 'messages that are not an array', field: 'messages', request: { messages: 'hi' } },
  { name: 'empty messages', field: 'messages', request: { messages: [] } },
  {
    name: 'an unknown role',
    field: 'messages[0].role',
    request: { messages: [{ role: 'bot', content: 'hi' }] },
  },
  {
    name: 'an empty message name',
    field: 'messages[0].name',
    request: { messages: [{ ...user, name: '' }] },
  },
  {
    name: 'a user content part of unknown type',
    field: 'messages[0].content[0].type',
    request: { messages: [{ role: 'user', content: [{ type: 'audio', data: 'AAAA' }] }] },
  },
  {
    name: 'an image part with an ftp url',
    field: 'messages[0].content[1].url',
    request: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', url: 'ftp://example.com/cat.png' },
          ],
        },
      ],
    },
  },
  {
    name: 'an image part with a non-image data url',
    field: 'messages[0].content[1].url',
    request: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', url: 'data:text/plain;base64,aGk=' },
          ],
        },
      ],
    },
  },
  {
    name: 'a tool message without toolCallId',
    field: 'messages[1].toolCallId',
    request: { messages: [user, { role: 'tool', content: 'sunny' }] },
  },
  {
    name: 'an assistant message with no content, tool calls or refusal',
    field: 'messages[1].content',
    request: { messages: [user, { role: 'assistant' }] },
  },
  {
    name: 'an assistant message with null content and no tool calls',
    field: 'messages[1].content',
    request: { messages: [user, { role: 'assistant', content: null, toolCalls: [] }] },
  },
  {
    name: 'an assistant tool call without id',
    field: 'messages[1].toolCalls[0].id',
    request: {
      messages: [user, { role: 'assistant', toolCalls: [{ name: 'f', arguments: '{}' }] }],
    },
  },
  { name: 'temperature 2.5', field: 'temperature', request: req({ temperature: 2.5 }) },
  { name: 'temperature -0.1', field: 'temperature', request: req({ temperature: -0.1 }) },
  { name: 'topP 1.1', field: 'topP', request: req({ topP: 1.1 }) },
  { name: 'maxOutputTokens 0', field: 'maxOutputTokens', request: req({ maxOutputTokens: 0 }) },
  {
    name: 'maxOutputTokens 1.5',
    field: 'maxOutputTokens',
    request: req({ maxOutputTokens: 1.5 }),
  },
  { name: 'n 0', field: 'n', request: req({ n: 0 }) },
  { name: 'n 129', field: 'n', request: req({ n: 129 }) },
  { name: 'n 1.5', field: 'n', request: req({ n: 1.5 }) },
  { name: 'seed 1.5', field: 'seed', request: req({ seed: 1.5 }) },
  { name: 'seed 1e308', field: 'seed', request: req({ seed: 1e308 }) },
  { name: 'seed 2^53', field: 'seed', request: req({ seed: 2 ** 53 }) },
  {
    name: 'maxOutputTokens 1e20',
    field: 'maxOutputTokens',
    request: req({ maxOutputTokens: 1e20 }),
  },
  { name: 'presencePenalty 2.5', field: 'presencePenalty', request: req({ presencePenalty: 2.5 }) },
  {
    name: 'frequencyPenalty -3',
    field: 'frequencyPenalty',
    request: req({ frequencyPenalty: -3 }),
  },
  {
    name: 'topLogprobs 21',
    field: 'topLogprobs',
    request: req({ logprobs: true, topLogprobs: 21 }),
  },
  { name: 'topLogprobs without logprobs', field: 'topLogprobs', request: req({ topLogprobs: 3 }) },
  {
    name: 'a logit bias above 100',
    field: 'logitBias.50256',
    request: req({ logitBias: { '50256': 101 } }),
  },
  {
    name: 'a non-numeric logit bias key',
    field: 'logitBias.hello',
    request: req({ logitBias: { hello: 5 } }),
  },
  {
    name: 'five stop sequences',
    field: 'stop',
    request: req({ stop: ['a', 'b', 'c', 'd', 'e'] }),
  },
  { name: 'an empty stop sequence', field: 'stop', request: req({ stop: [''] }) },
  { name: 'an empty stop string', field: 'stop', request: req({ stop: '' }) },
  {
    name: 'a tool name with a space',
    field: 'tools[0].name',
    request: req({ tools: [tool({ name: 'get weather' })] }),
  },
  {
    name: 'a tool name of 65 characters',
    field: 'tools[0].name',
    request: req({ tools: [tool({ name: 'a'.repeat(65) })] }),
  },
  {
    name: 'duplicate tool names',
    field: 'tools[1].name',
    request: req({ tools: [tool(), tool()] }),
  },
  {
    name: 'a tool of type custom',
    field: 'tools[0].type',
    request: req({ tools: [tool({ type: 'custom' })] }),
  },
  {
    name: 'tool parameters that are not an object schema',
    field: 'tools[0].parameters.type',
    request: withParameters({ type: 'string' }),
  },
  {
    name: 'a misspelled nested property type',
    field: 'tools[0].parameters.properties.city.type',
    request: withParameters({ type: 'object', properties: { city: { type: 'strng' } } }),
  },
  {
    name: 'required naming a missing property',
    field: 'tools[0].parameters.required',
    request: withParameters({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['country'],
    }),
  },
  {
    name: 'items that is not a schema',
    field: 'tools[0].parameters.properties.tags.items',
    request: withParameters({
      type: 'object',
      properties: { tags: { type: 'array', items: 'string' } },
    }),
  },
  {
    name: 'an empty anyOf',
    field: 'tools[0].parameters.properties.unit.anyOf',
    request: withParameters({ type: 'object', properties: { unit: { anyOf: [] } } }),
  },
  {
    name: 'toolChoice "sometimes"',
    field: 'toolChoice',
    request: req({ toolChoice: 'sometimes' }),
  },
  {
    name: 'toolChoice naming an unknown tool',
    field: 'toolChoice.name',
    request: req({ tools: [tool()], toolChoice: { type: 'function', name: 'missing' } }),
  },
  {
    name: 'toolChoice "required" without tools',
    field: 'toolChoice',
    request: req({ toolChoice: 'required' }),
  },
  {
    name: 'a json_schema name with a space',
    field: 'responseFormat.name',
    request: req({
      responseFormat: { type: 'json_schema', name: 'my schema', schema: { type: 'object' } },
    }),
  },
  {
    name: 'responseFormat type xml',
    field: 'responseFormat.type',
    request: req({ responseFormat: { type: 'xml' } }),
  },
  {
    name: 'reasoningEffort max',
    field: 'reasoningEffort',
    request: req({ reasoningEffort: 'max' }),
  },
  { name: 'serviceTier gold', field: 'serviceTier', request: req({ serviceTier: 'gold' }) },
];

describe('validateChatRequest', () => {
  it.each(invalidCases)('rejects $name at $field', ({ field, request }) => {
    const error = thrownBy(request);
    expect(error.code).toBe('invalid_request');
    expect(error.field).toBe(field);
    expect(error.message.slice(0, field.length + 2)).toBe(`${field}: `);
  });

  it.each([
    'https://example.com/cat.png',
    'http://example.com/cat.png',
    'data:image/png;base64,iVBORw0KGgo=',
  ])('accepts the image url %s', (url) => {
    const request: ChatRequest = {
      messages: [{ role: 'user', content: [{ type: 'image', url }] }],
    };
    expect(() => validateChatRequest(request)).not.toThrow();
  });

  it.each<[string, Partial<ChatRequest>]>([
    ['lower bounds', { temperature: 0, topP: 0, maxOutputTokens: 1, n: 1, topLogprobs: 0 }],
    ['upper bounds', { temperature: 2, topP: 1, n: 128, topLogprobs: 20 }],
    ['penalty lower bounds', { presencePenalty: -2, frequencyPenalty: -2 }],
    ['penalty upper bounds', { presencePenalty: 2, frequencyPenalty: 2 }],
    ['logit bias bounds', { logitBias: { '0': -100, '50256': 100 } }],
  ])('accepts numeric %s', (_label, params) => {
    const request: ChatRequest = { messages: [{ role: 'user', content: 'hi' }], logprobs: true };
    expect(() => validateChatRequest({ ...request, ...params })).not.toThrow();
  });

  it('accepts a tool without parameters, as OpenAI does: a function of no arguments', () => {
    const { parameters: _none, ...bare } = tool();
    expect(() => validateChatRequest(req({ tools: [bare] }) as ChatRequest)).not.toThrow();
  });

  it('accepts a complete request using every field', () => {
    const request: ChatRequest = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are terse.', name: 'setup' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in JSON.' }] },
        {
          role: 'user',
          name: 'alice',
          content: [
            { type: 'text', text: 'What is the weather here?' },
            { type: 'image', url: 'https://example.com/street.jpg', detail: 'low' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: '4°C, rain' }] },
        { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
      ],
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Current weather for a city',
          strict: true,
          parameters: {
            type: 'object',
            properties: {
              city: { type: 'string' },
              unit: { $ref: '#/$defs/unit' },
              days: { type: ['integer', 'null'] },
              tags: { type: 'array', items: { type: 'string' } },
              at: { anyOf: [{ type: 'string' }, { type: 'number' }] },
            },
            required: ['city', 'unit'],
            additionalProperties: false,
            $defs: { unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
          },
        },
        { type: 'function', name: 'get-time_2', parameters: { type: 'object' } },
      ],
      toolChoice: { type: 'function', name: 'get_weather' },
      parallelToolCalls: false,
      responseFormat: {
        type: 'json_schema',
        name: 'weather_report',
        schema: { type: 'object', properties: { summary: { type: 'string' } } },
        strict: true,
      },
      temperature: 0,
      topP: 1,
      maxOutputTokens: 1,
      stop: ['a', 'b', 'c', 'd'],
      seed: -7,
      n: 128,
      presencePenalty: -2,
      frequencyPenalty: 2,
      logitBias: { '50256': -100 },
      logprobs: true,
      topLogprobs: 20,
      user: 'user-123',
      reasoningEffort: 'xhigh',
      serviceTier: 'flex',
    };
    expect(() => validateChatRequest(request)).not.toThrow();
  });
});
