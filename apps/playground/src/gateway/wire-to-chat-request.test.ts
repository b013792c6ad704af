import { InvalidRequestError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { wireToChatRequest } from './wire-to-chat-request.js';

const USER = { role: 'user', content: 'hi' };

function fieldOf(body: unknown): string | undefined {
  try {
    wireToChatRequest(body);
  } catch (error) {
    if (InvalidRequestError.isInstance(error)) return error.field;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('wireToChatRequest', () => {
  it('maps every OpenAI field to its core counterpart', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const mapped = wireToChatRequest({
      model: 'simulator:gpt-4o',
      messages: [
        { role: 'system', content: 'sys', name: 'boss' },
        { role: 'developer', content: [{ type: 'text', text: 'dev' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'high' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'partly ' },
            { type: 'refusal', refusal: 'no' },
          ],
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'done' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'f', description: 'd', parameters: schema, strict: true },
        },
        { type: 'function', function: { name: 'g' } },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema, strict: true } },
      temperature: 0.5,
      top_p: 0.5,
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: 'END',
      seed: 1,
      n: 2,
      presence_penalty: 1,
      frequency_penalty: -1,
      logit_bias: { '42': 5 },
      logprobs: true,
      top_logprobs: 3,
      user: 'u',
      reasoning_effort: 'low',
      service_tier: 'flex',
      store: true,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(mapped).toEqual({
      model: 'simulator:gpt-4o',
      stream: true,
      includeUsage: true,
      request: {
        messages: [
          { role: 'system', content: 'sys', name: 'boss' },
          { role: 'developer', content: [{ type: 'text', text: 'dev' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', url: 'data:image/png;base64,AAAA', detail: 'high' },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'text', text: 'partly ' }],
            refusal: 'no',
            toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }],
          },
          { role: 'tool', toolCallId: 'c1', content: 'done' },
        ],
        tools: [
          { type: 'function', name: 'f', description: 'd', parameters: schema, strict: true },
          { type: 'function', name: 'g', parameters: { type: 'object', properties: {} } },
        ],
        toolChoice: { type: 'function', name: 'f' },
        parallelToolCalls: false,
        responseFormat: { type: 'json_schema', name: 'out', schema, strict: true },
        temperature: 0.5,
        topP: 0.5,
        // The newer name wins when both are sent.
        maxOutputTokens: 20,
        stop: 'END',
        seed: 1,
        n: 2,
        presencePenalty: 1,
        frequencyPenalty: -1,
        logitBias: { '42': 5 },
        logprobs: true,
        topLogprobs: 3,
        user: 'u',
        reasoningEffort: 'low',
        serviceTier: 'flex',
        providerOptions: { openai: { store: true } },
      },
    });
  });

  it('reads null as not set, as the API does', () => {
    const mapped = wireToChatRequest({
      messages: [USER],
      temperature: null,
      tools: null,
      stop: null,
      stream: null,
      user: null,
    });
    expect(mapped).toEqual({
      model: undefined,
      stream: false,
      includeUsage: false,
      request: { messages: [USER] },
    });
  });

  it.each([
    [[], 'body'],
    [{}, 'messages'],
    [{ messages: [USER], model: 42 }, 'model'],
    [{ messages: [USER], temperature: 'warm' }, 'temperature'],
    [{ messages: [USER], stream: 'yes' }, 'stream'],
    [{ messages: [USER], stream_options: { include_usage: true } }, 'stream_options'],
    [{ messages: [USER], functions: [] }, 'functions'],
    [{ messages: [USER], best_of: 2 }, 'best_of'],
    [{ messages: [USER], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ messages: [USER], logit_bias: { token: 1 } }, 'logit_bias.token'],
    [{ messages: [USER, 'hello'] }, 'messages[1]'],
    [{ messages: [{ role: 'function', content: 'x', name: 'f' }] }, 'messages[0].role'],
    [
      { messages: [{ role: 'user', content: [{ type: 'input_audio' }] }] },
      'messages[0].content[0].type',
    ],
    [
      { messages: [{ role: 'system', content: [{ type: 'image_url' }] }] },
      'messages[0].content[0].type',
    ],
    [{ messages: [{ role: 'assistant', content: null }] }, 'messages[0].content'],
    [
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        ],
      },
      'messages[0].tool_calls[0].id',
    ],
    [
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { arguments: '{}' } }],
          },
        ],
      },
      'messages[0].tool_calls[0].function.name',
    ],
    [{ messages: [USER], tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type'],
    [
      {
        messages: [USER],
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: { type: 'function', function: { name: 'g' } },
      },
      'tool_choice.function.name',
    ],
    [{ messages: [USER], response_format: { type: 'yaml' } }, 'response_format.type'],
    [
      {
        messages: [USER],
        response_format: { type: 'json_schema', json_schema: { name: 'bad name', schema: {} } },
      },
      'response_format.json_schema.name',
    ],
    [{ messages: [USER], presence_penalty: 3 }, 'presence_penalty'],
    [{ messages: [USER], n: 0 }, 'n'],
    [{ messages: [USER], service_tier: 'gold' }, 'service_tier'],
  ])('refuses %j naming %s', (body, field) => {
    expect(fieldOf(body)).toBe(field);
  });

  it('says what is wrong in the message, under the wire name', () => {
    expect(() => wireToChatRequest({ messages: [USER], top_p: 2 })).toThrow(
      'top_p: must be at most 1, got 2',
    );
  });
});
