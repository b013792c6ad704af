import { describe, expect, it } from 'vitest';
import type { ChatRequest, ToolDefinition } from './request.js';
import { approximateTokenEstimator } from './token-estimator.js';

const { countText, estimateChat } = approximateTokenEstimator;

describe('approximateTokenEstimator', () => {
  it('counts four characters a token, as an estimate', () => {
    expect(countText('abcdefgh')).toEqual({ tokens: 2, exact: false });
    expect(countText('abcdefghi')).toEqual({ tokens: 3, exact: false });
  });

  it('adds 3 tokens a message and 3 for reply priming', () => {
    const request: ChatRequest = {
      messages: [
        { role: 'system', content: 'You are terse.' }, // 14 characters
        { role: 'user', content: 'Hello there!' }, // 12 characters
      ],
    };
    // ceil(26 / 4) = 7 for the text, 2 * 3 + 3 = 9 for the framing.
    expect(estimateChat(request)).toEqual({ tokens: 16, exact: false });
  });

  it('counts the text parts of array content', () => {
    const request: ChatRequest = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'abcd' },
            { type: 'image', url: 'https://example.com/cat.png' },
            { type: 'text', text: 'efgh' },
          ],
        },
      ],
    };
    // ceil(8 / 4) = 2, plus 3 + 3.
    expect(estimateChat(request).tokens).toBe(8);
  });

  it('counts the names and arguments of assistant tool calls', () => {
    const request: ChatRequest = {
      messages: [
        {
          role: 'assistant',
          content: null,
          toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' }],
        },
      ],
    };
    // 'lookup' (6) + '{"q":"x"}' (9) = 15 characters: ceil(15 / 4) = 4, plus 3 + 3.
    expect(estimateChat(request).tokens).toBe(10);
  });

  it('counts tool definitions', () => {
    const tool: ToolDefinition = {
      type: 'function',
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    };
    const request: ChatRequest = { messages: [{ role: 'user', content: 'hi' }] };
    const without = estimateChat(request).tokens;
    const withTools = estimateChat({ ...request, tools: [tool] }).tokens;
    expect(withTools).toBeGreaterThan(without);
  });
});
