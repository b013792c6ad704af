import { describe, expect, it } from 'vitest';
import {
  type ParseOptions,
  parseChatCompletion,
  parseChatCompletionChunk,
  parseResponse,
  safeParseOpenAI,
} from './parse.js';
import { ResponseParseError } from './response-parse-error.js';

type Json = Record<string, unknown>;

function completion(choice: Json = {}, extra: Json = {}): Json {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o',
    choices: [
      {
        index: 0,
        finish_reason: 'stop',
        message: { role: 'assistant', content: 'Hi', refusal: null },
        logprobs: null,
        ...choice,
      },
    ],
    ...extra,
  };
}

function parseError(run: () => unknown): ResponseParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof ResponseParseError) return error;
    throw error;
  }
  throw new Error('parsed without error');
}

const STRICT: ParseOptions = { mode: 'strict' };

function withoutLogprobs(): Json {
  const body = completion();
  const [choice] = body.choices as Json[];
  delete choice?.logprobs;
  return body;
}

describe('parseChatCompletion', () => {
  it('parses a minimal valid body in both modes', () => {
    for (const mode of ['lenient', 'strict'] as const) {
      const parsed = parseChatCompletion(completion(), { mode });
      expect(parsed.choices[0]?.message.content).toBe('Hi');
      expect(parsed.id).toBe('chatcmpl-1');
    }
  });

  it('names the exact path of a wrong type', () => {
    const error = parseError(() =>
      parseChatCompletion(
        completion({ message: { role: 'assistant', content: 42, refusal: null } }),
      ),
    );
    expect(error.path).toBe('choices[0].message.content');
    expect(error.schema).toBe('CreateChatCompletionResponse');
    expect(error.mode).toBe('lenient');
    expect(error.message).toContain('choices[0].message.content');
    expect(error.issues.map((issue) => issue.path)).toEqual(['choices[0].message.content']);
  });

  it('safeParseOpenAI returns the error instead of throwing', () => {
    const result = safeParseOpenAI('CreateChatCompletionResponse', completion({ index: 'zero' }));
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(ResponseParseError);
    expect(result.error.path).toBe('choices[0].index');
    const ok = safeParseOpenAI('CreateChatCompletionResponse', completion());
    expect(ok).toMatchObject({ success: true, data: { model: 'gpt-4o' } });
  });
});

describe('lenient and strict modes', () => {
  const drifted: [string, () => Json, string][] = [
    ['an unknown field', () => completion({}, { x_vendor_extra: { a: 1 } }), '(root)'],
    [
      'null where the spec says string',
      () => completion({}, { system_fingerprint: null }),
      'system_fingerprint',
    ],
    [
      'an unknown finish_reason',
      () => completion({ finish_reason: 'new_reason' }),
      'choices[0].finish_reason',
    ],
    ['a missing required nullable field', withoutLogprobs, 'choices[0].logprobs'],
  ];

  it.each(drifted)('lenient accepts and keeps %s', (_, body) => {
    const value = body();
    expect(parseChatCompletion(value)).toEqual(value);
  });

  it('lenient keeps the unknown field and the unknown enum value', () => {
    const parsed = parseChatCompletion(
      completion({ finish_reason: 'new_reason' }, { x_vendor_extra: { a: 1 } }),
    ) as unknown as Json;
    expect(parsed.x_vendor_extra).toEqual({ a: 1 });
    expect((parsed.choices as Json[])[0]?.finish_reason).toBe('new_reason');
  });

  it.each(drifted)('strict rejects %s', (_, body, path) => {
    const error = parseError(() => parseChatCompletion(body(), STRICT));
    expect(error.mode).toBe('strict');
    expect(error.path).toBe(path);
    expect(error.issues).toHaveLength(1);
  });

  it('lenient still rejects a wrong primitive type', () => {
    const body = completion({ message: { role: 'assistant', content: 42, refusal: null } });
    expect(safeParseOpenAI('CreateChatCompletionResponse', body).success).toBe(false);
  });

  it('lenient still rejects a chunk whose choices is not an array', () => {
    const chunk = {
      id: 'c',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o',
      choices: { index: 0 },
    };
    expect(parseError(() => parseChatCompletionChunk(chunk)).path).toBe('choices');
  });
});

describe('Responses API output items', () => {
  const future = { type: 'future_item', id: 'fi_1', payload: [1, 2] };
  const badMessage = {
    type: 'message',
    id: 'msg_1',
    role: 'assistant',
    status: 'completed',
    content: 'hello',
  };

  it('keeps an unknown item type in lenient mode', () => {
    expect(safeParseOpenAI('OutputItem', future)).toEqual({ success: true, data: future });
    const response = parseResponse({ id: 'resp_1', object: 'response', output: [future] });
    expect(response.output).toEqual([future]);
  });

  it('rejects an unknown item type in strict mode', () => {
    const result = safeParseOpenAI('OutputItem', future, STRICT);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.path).toBe('type');
  });

  it('rejects a known item type with a bad field even in lenient mode, at its real path', () => {
    const result = safeParseOpenAI('OutputItem', badMessage);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.path).toBe('content');
    const error = parseError(() =>
      parseResponse({ id: 'resp_1', object: 'response', output: [future, badMessage] }),
    );
    expect(error.path).toBe('output[1].content');
  });

  it('accepts a well-formed known item in both modes', () => {
    const message = {
      ...badMessage,
      content: [{ type: 'output_text', text: 'hello', annotations: [], logprobs: [] }],
    };
    expect(safeParseOpenAI('OutputItem', message).success).toBe(true);
    expect(safeParseOpenAI('OutputItem', message, STRICT).success).toBe(true);
  });
});
