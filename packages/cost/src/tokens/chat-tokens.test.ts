import {
  approximateTokenEstimator,
  type ChatMessage,
  type ChatRequest,
  type TokenEstimator,
  type ToolDefinition,
} from '@ply/core';
import { describe, expect, it } from 'vitest';
import {
  createTokenEstimator,
  estimateChatTokens,
  type TiktokenEstimator,
  tiktokenEstimator,
} from './chat-tokens.js';
import { countTokens } from './count-tokens.js';
import type { TokenEncodingName } from './encoding.js';

const hello: ChatRequest = {
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'hello world' }],
};

describe('estimateChatTokens: text framing', () => {
  it('counts 3 a message, its role and content, and 3 to prime the reply', () => {
    // 3 + 'user' (1) + 'hello world' (2) + 3.
    expect(estimateChatTokens(hello)).toEqual({
      tokens: 9,
      exact: true,
      encoding: 'o200k_base',
      breakdown: {
        messages: [{ index: 0, role: 'user', tokens: 3, exact: true }],
        tools: 0,
        responseFormat: 0,
        images: 0,
        framing: 6,
      },
    });
  });

  it('adds the name and one token for a named message', () => {
    const named = estimateChatTokens({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hello world', name: 'bob' }],
    });
    expect(named.tokens).toBe(9 + 1 + countTokens('bob').tokens);
    expect(named.breakdown.framing).toBe(7);
  });

  it.each([
    ['gpt-4o', 9],
    ['gpt-4.1-mini', 9],
    ['gpt-3.5-turbo', 9],
    ['o1', 8],
    ['o3-mini', 8],
    ['gpt-5', 8],
    ['gpt-5.4-mini', 8],
    ['ft:gpt-4o-mini:org::id', 9],
  ])('%s primes the reply as the billed cases show (total %i)', (model, tokens) => {
    expect(estimateChatTokens(hello, { model })).toMatchObject({ tokens, exact: true });
  });

  it('takes the model from the options first, then from the request', () => {
    const text = '你好，世界。今天天气很好。';
    const request: ChatRequest = { model: 'gpt-4', messages: [{ role: 'user', content: text }] };
    expect(estimateChatTokens(request).encoding).toBe('cl100k_base');
    expect(estimateChatTokens(request, { model: 'gpt-4o' }).encoding).toBe('o200k_base');
    expect(estimateChatTokens(request).tokens).toBe(7 + countTokens(text, 'gpt-4').tokens);
  });

  it('is an estimate when the model is unknown or missing', () => {
    expect(estimateChatTokens({ messages: hello.messages })).toMatchObject({
      tokens: 9,
      exact: false,
    });
    expect(estimateChatTokens(hello, { model: 'my-local-llama' }).exact).toBe(false);
  });

  it('adds text parts with nothing between them', () => {
    const parts = estimateChatTokens({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hello' },
            { type: 'text', text: ' world' },
          ],
        },
      ],
    });
    expect(parts).toMatchObject({ tokens: 9, exact: true });
  });

  it('counts special-token text in messages as text', () => {
    const counted = estimateChatTokens({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Ignore <|endoftext|> please <|im_start|>system' }],
    });
    expect(counted.exact).toBe(true);
    expect(counted.tokens).toBe(
      7 + countTokens('Ignore <|endoftext|> please <|im_start|>system', 'gpt-4o').tokens,
    );
  });

  it('marks a message with an overlong run, and so the request, as inexact', () => {
    const counted = estimateChatTokens({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'z'.repeat(5000) },
      ],
    });
    expect(counted.exact).toBe(false);
    expect(counted.breakdown.messages.map((m) => m.exact)).toEqual([true, false]);
  });
});

describe('estimateChatTokens: tools, calls, formats and images', () => {
  const weather: ChatRequest = {
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Weather in Paris?' }],
    tools: [
      {
        type: 'function',
        name: 'get_weather',
        description: 'Get the weather',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    ],
  };

  it('puts tool definitions in a hidden system message and marks the count an estimate', () => {
    const withTools = estimateChatTokens(weather);
    const without = estimateChatTokens({ ...weather, tools: [] });
    expect(without.exact).toBe(true);
    expect(withTools.exact).toBe(false);
    expect(withTools.breakdown.tools).toBeGreaterThan(20);
    // The hidden system message brings its own framing: 3 + 'system'.
    expect(withTools.breakdown.framing).toBe(without.breakdown.framing + 4);
    expect(withTools.tokens).toBe(without.tokens + withTools.breakdown.tools + 4);
  });

  it('counts a tool without parameters as OpenAI does: a function of no arguments', () => {
    // OpenAI accepts a function without `parameters` (core's type asks for them); counting
    // one threw a raw TypeError.
    const bare = {
      type: 'function',
      name: 'ping',
      description: 'Check the line',
    } as ToolDefinition;
    const noArguments: ToolDefinition = { ...bare, parameters: { type: 'object', properties: {} } };
    const request = (tool: ToolDefinition): ChatRequest => ({ ...weather, tools: [tool] });
    const counted = estimateChatTokens(request(bare));
    expect(counted).toEqual(estimateChatTokens(request(noArguments)));
    expect(counted.exact).toBe(false);
    expect(counted.breakdown.tools).toBeGreaterThan(0);
    expect(tiktokenEstimator.estimateChat(request(bare)).tokens).toBe(counted.tokens);
  });

  it('appends the tools to an existing system message instead', () => {
    const withSystem = estimateChatTokens({
      ...weather,
      messages: [{ role: 'system', content: 'Be brief.' }, ...weather.messages],
    });
    expect(withSystem.breakdown.framing).toBe(3 * 2 + 3);
  });

  it('adds the hidden tool preamble for the gpt-5 generation', () => {
    const gpt4o = estimateChatTokens(weather);
    const gpt5 = estimateChatTokens(weather, { model: 'gpt-5' });
    expect(gpt5.breakdown.tools - gpt4o.breakdown.tools).toBe(81);
  });

  it('prices a forced function and `none` as tool choices', () => {
    const auto = estimateChatTokens({ ...weather, toolChoice: 'auto' }).breakdown.tools;
    const forced = estimateChatTokens({
      ...weather,
      toolChoice: { type: 'function', name: 'get_weather' },
    }).breakdown.tools;
    expect(forced - auto).toBe(4 + countTokens('get_weather').tokens);
    expect(estimateChatTokens({ ...weather, toolChoice: 'none' }).breakdown.tools - auto).toBe(1);
  });

  it('counts tool calls and tool results as estimates', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      },
      { role: 'tool', toolCallId: 'call_1', content: 'sunny' },
    ];
    const counted = estimateChatTokens({ model: 'gpt-4o', messages });
    expect(counted.exact).toBe(false);
    expect(counted.breakdown.messages.map((m) => m.exact)).toEqual([true, false, false]);
    expect(counted.breakdown.messages[1]?.tokens).toBe(
      countTokens('assistant').tokens +
        countTokens('get_weather').tokens +
        countTokens('{"city":"Paris"}').tokens,
    );
    // cl100k-era models name the result after the function that was called.
    const legacy = estimateChatTokens({ model: 'gpt-3.5-turbo', messages });
    expect(legacy.breakdown.messages[2]?.tokens).toBe(
      countTokens('get_weather', 'gpt-3.5-turbo').tokens +
        countTokens('sunny', 'gpt-3.5-turbo').tokens,
    );
  });

  it('counts a json_schema response format; json_object adds nothing but is an estimate', () => {
    const schema = estimateChatTokens({
      ...hello,
      responseFormat: {
        type: 'json_schema',
        name: 'answer',
        schema: { type: 'object', properties: { text: { type: 'string' } } },
      },
    });
    expect(schema.exact).toBe(false);
    expect(schema.breakdown.responseFormat).toBeGreaterThan(10);
    const jsonObject = estimateChatTokens({ ...hello, responseFormat: { type: 'json_object' } });
    expect(jsonObject).toMatchObject({ tokens: 9, exact: false });
    expect(estimateChatTokens({ ...hello, responseFormat: { type: 'text' } })).toMatchObject({
      tokens: 9,
      exact: true,
    });
  });

  const withImage = (detail?: 'low' | 'high' | 'auto'): ChatRequest => ({
    model: 'gpt-4o',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'hello world' },
          { type: 'image', url: 'https://example.com/cat.png', ...(detail ? { detail } : {}) },
        ],
      },
    ],
  });

  it('assumes a 1024x1024 image in high detail when nothing tells its size', () => {
    const counted = estimateChatTokens(withImage());
    expect(counted.breakdown.images).toBe(765);
    expect(counted).toMatchObject({ tokens: 9 + 765, exact: false });
    expect(counted.breakdown.messages[0]).toMatchObject({ tokens: 3, exact: false });
    expect(estimateChatTokens(withImage('low')).breakdown.images).toBe(85);
  });

  it('asks the imageSize hook first, per call or per estimator', () => {
    const sizes = (url: string) =>
      url.endsWith('cat.png') ? { width: 512, height: 512 } : undefined;
    expect(estimateChatTokens(withImage('high'), { imageSize: sizes }).breakdown.images).toBe(255);
    const estimator = createTokenEstimator({ imageSize: sizes });
    expect(estimator.estimateChatTokens(withImage('high')).breakdown.images).toBe(255);
    expect(
      estimator.estimateChatTokens(withImage('high'), { model: 'gpt-4.1-mini' }).breakdown.images,
    ).toBe(Math.ceil(256 * 1.62));
  });

  it('reads the size from a data URL when it can', () => {
    const png = Buffer.alloc(33);
    png.writeUInt32BE(0x89504e47, 0);
    png.writeUInt32BE(0x0d0a1a0a, 4);
    png.writeUInt32BE(13, 8);
    png.write('IHDR', 12, 'latin1');
    png.writeUInt32BE(300, 16);
    png.writeUInt32BE(200, 20);
    const url = `data:image/png;base64,${png.toString('base64')}`;
    const counted = estimateChatTokens({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'image', url }] }],
    });
    expect(counted.breakdown.images).toBe(85 + 170);
  });
});

describe('the message cache', () => {
  function conversation(turns: number): ChatMessage[] {
    const messages: ChatMessage[] = [{ role: 'system', content: 'You are a patient tutor.' }];
    for (let turn = 0; turn < turns; turn++) {
      messages.push({ role: 'user', content: `Question ${turn}: what is ${turn} squared?` });
      messages.push({ role: 'assistant', content: `${turn} squared is ${turn * turn}. Next?` });
    }
    return messages;
  }

  it('encodes each message of a 200-turn conversation once, counted after every turn', () => {
    const encoded = new Map<string, number>();
    const estimator = createTokenEstimator({
      onEncode: (_encoding, text) => encoded.set(text, (encoded.get(text) ?? 0) + 1),
    });
    const fresh = createTokenEstimator({ cacheSize: 0 });
    const all = conversation(200);
    for (let turn = 1; turn <= 200; turn++) {
      const request: ChatRequest = { model: 'gpt-4o', messages: all.slice(0, 1 + 2 * turn) };
      const counted = estimator.estimateChatTokens(request);
      if (turn % 40 === 0) expect(counted).toEqual(fresh.estimateChatTokens(request));
    }
    // Every message text, and each role, went through the encoder exactly once.
    for (const message of all) expect(encoded.get(message.content as string)).toBe(1);
    expect([...encoded.values()].every((count) => count === 1)).toBe(true);
    expect(encoded.size).toBe(all.length + 3);
    expect(estimator.cacheStats()).toMatchObject({ entries: all.length + 3 });
  });

  it('keeps the cache bounded, least recently used out first', () => {
    const encoded: string[] = [];
    const estimator = createTokenEstimator({
      cacheSize: 3,
      onEncode: (_encoding, text) => encoded.push(text),
    });
    const count = (text: string) =>
      estimator.estimateChatTokens({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: text }],
      });
    count('alpha'); // caches 'user', 'alpha'
    count('beta'); // 'user' hit, caches 'beta'
    count('alpha'); // 'user' and 'alpha' hit: 'beta' is now the least recently used
    count('gamma'); // caches 'gamma', evicts 'beta'
    expect(estimator.cacheStats().entries).toBe(3);
    encoded.length = 0;
    count('alpha');
    count('beta');
    expect(encoded).toEqual(['beta']);
  });

  it('keeps one cache per encoding', () => {
    const encodings: TokenEncodingName[] = [];
    const estimator = createTokenEstimator({ onEncode: (encoding) => encodings.push(encoding) });
    estimator.estimateChatTokens(hello);
    estimator.estimateChatTokens(hello, { model: 'gpt-4' });
    estimator.estimateChatTokens(hello, { model: 'gpt-4o-mini' });
    expect(encodings).toEqual(['o200k_base', 'o200k_base', 'cl100k_base', 'cl100k_base']);
  });

  it('can be turned off and cleared', () => {
    let calls = 0;
    const uncached = createTokenEstimator({ cacheSize: 0, onEncode: () => calls++ });
    uncached.estimateChatTokens(hello);
    uncached.estimateChatTokens(hello);
    expect(calls).toBe(4);
    const cached = createTokenEstimator();
    cached.estimateChatTokens(hello);
    cached.clearCache();
    expect(cached.cacheStats().entries).toBe(0);
  });
});

describe('the TokenEstimator contract', () => {
  const estimators: Array<[string, TokenEstimator]> = [
    ['tiktokenEstimator', tiktokenEstimator],
    ['createTokenEstimator()', createTokenEstimator()],
  ];

  it.each(estimators)('%s counts text and chats as { tokens, exact }', (_name, estimator) => {
    expect(estimator.countText('hello world')).toEqual({ tokens: 2, exact: true });
    expect(estimator.countText('hello world', 'gpt-4')).toEqual({ tokens: 2, exact: true });
    expect(estimator.countText('<|endoftext|>', 'gpt-4o')).toEqual({ tokens: 7, exact: true });
    expect(estimator.estimateChat(hello)).toEqual({ tokens: 9, exact: true });
    expect(estimator.estimateChat({ messages: hello.messages })).toEqual({
      tokens: 9,
      exact: false,
    });
  });

  it('agrees with estimateChatTokens and answers the same questions as the approximation', () => {
    const estimator: TiktokenEstimator = createTokenEstimator();
    const request: ChatRequest = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hello there!' },
      ],
    };
    const { tokens, exact } = estimator.estimateChatTokens(request);
    expect(estimator.estimateChat(request)).toEqual({ tokens, exact });
    expect(Object.keys(approximateTokenEstimator.estimateChat(request)).sort()).toEqual(
      Object.keys(estimator.estimateChat(request)).sort(),
    );
  });
});
