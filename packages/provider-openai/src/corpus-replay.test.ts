// Every chat body and chat stream of the real recorded corpus, replayed through the
// adapter's response path as if the server had sent it: nothing may be lost on the way.
import type { ChatStreamEvent, FinishReason, TokenLogprob, ToolCall, Usage } from '@ply/core';
import { describe, expect, it } from 'vitest';
import {
  chatBodyFiles,
  chatStreamFiles,
  readCorpusText,
  recordedDone,
  recordedHeader,
  recordedHeaders,
  replayFetch,
  replayHeaders,
  sseBody,
  streamChunks,
} from './corpus.test-support.js';
import { OpenAIProvider } from './openai-provider.js';

// The recorded shapes, as loose as the traffic is (every field may be missing or null).
interface RecordedTopLogprob {
  token: string;
  logprob: number;
  bytes?: number[] | null;
}
interface RecordedLogprob extends RecordedTopLogprob {
  top_logprobs?: RecordedTopLogprob[] | null;
}
interface RecordedLogprobs {
  content?: RecordedLogprob[] | null;
  refusal?: RecordedLogprob[] | null;
}
interface RecordedToolCall {
  id: string;
  type: string;
  function?: { name: string; arguments: string };
  custom?: { name: string; input: string };
}
interface RecordedAnnotation {
  type: string;
  url_citation?: { url: string; title: string; start_index: number; end_index: number };
}
interface RecordedChoice {
  index?: number;
  finish_reason?: string | null;
  message?: {
    content?: string | null;
    refusal?: string | null;
    tool_calls?: RecordedToolCall[] | null;
    function_call?: { name: string; arguments: string } | null;
    annotations?: RecordedAnnotation[] | null;
  };
  logprobs?: RecordedLogprobs | null;
}
interface RecordedUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number } | null;
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
  } | null;
}
interface RecordedFacts {
  id?: string | null;
  model?: string | null;
  created?: number | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  usage?: RecordedUsage | null;
}
interface RecordedCompletion extends RecordedFacts {
  choices?: RecordedChoice[];
}
interface RecordedChunk extends RecordedFacts {
  choices?: {
    index?: number;
    finish_reason?: string | null;
    delta?: { content?: string | null; refusal?: string | null } | null;
    logprobs?: RecordedLogprobs | null;
  }[];
}

const BASE_URL = 'http://corpus.invalid/v1';
const MESSAGES = [{ role: 'user' as const, content: 'x' }];

/** A value as it would go over the wire again: what "the raw body round-trips" compares. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

// The expected values, derived from the recorded bodies independently of the adapter's code.

const UNIFIED: Record<string, FinishReason['unified']> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
};

function expectedFinish(raw: string | null | undefined): FinishReason {
  return { unified: (raw ? UNIFIED[raw] : undefined) ?? 'other', raw: raw ?? null };
}

function expectedLogprobs(
  entries: RecordedLogprob[] | null | undefined,
): TokenLogprob[] | undefined {
  return entries?.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: entry.bytes ?? null,
    topLogprobs: (entry.top_logprobs ?? []).map((top) => ({
      token: top.token,
      logprob: top.logprob,
      bytes: top.bytes ?? null,
    })),
  }));
}

function expectedToolCalls(message: NonNullable<RecordedChoice['message']>): ToolCall[] {
  const input = (text: string): unknown => (text.trim() === '' ? {} : JSON.parse(text));
  const calls: ToolCall[] = (message.tool_calls ?? []).map((call) =>
    call.custom
      ? {
          id: call.id,
          name: call.custom.name,
          arguments: call.custom.input,
          input: call.custom.input,
        }
      : {
          id: call.id,
          name: call.function?.name ?? '',
          arguments: call.function?.arguments ?? '',
          input: input(call.function?.arguments ?? ''),
        },
  );
  const legacy = message.function_call;
  if (legacy) {
    calls.push({
      id: '',
      name: legacy.name,
      arguments: legacy.arguments,
      input: input(legacy.arguments),
    });
  }
  return calls;
}

function expectedUsage(usage: RecordedUsage): Omit<Usage, 'raw'> {
  const prompt = usage.prompt_tokens_details;
  const completion = usage.completion_tokens_details;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    cachedInputTokens: prompt?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
    outputTokens: usage.completion_tokens ?? 0,
    reasoningTokens: completion?.reasoning_tokens ?? 0,
    inputAudioTokens: prompt?.audio_tokens ?? 0,
    outputAudioTokens: completion?.audio_tokens ?? 0,
    acceptedPredictionTokens: completion?.accepted_prediction_tokens ?? 0,
    rejectedPredictionTokens: completion?.rejected_prediction_tokens ?? 0,
    totalTokens: usage.total_tokens ?? (usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0),
    estimated: false,
  };
}

function expectUsage(actual: Usage, recorded: RecordedUsage | null | undefined): void {
  if (!recorded) {
    expect(actual.estimated).toBe(true);
    return;
  }
  const { raw, ...numbers } = actual;
  expect(numbers).toStrictEqual(expectedUsage(recorded));
  expect(wire(raw)).toStrictEqual(recorded);
}

/** Request id and header-derived facts: recorded values as they are, `Sanitized` included. */
function expectHeaderFacts(
  meta: { requestId?: string; processingMs?: number; headers?: Record<string, string> },
  file: string,
): void {
  const recorded = recordedHeaders(file);
  expect(meta.requestId).toBe(recordedHeader(recorded, 'x-request-id'));
  const processing = recordedHeader(recorded, 'openai-processing-ms');
  // `Sanitized` is a placeholder, not a duration: left out, not NaN.
  expect(meta.processingMs).toBe(
    processing !== undefined && /^\d+$/.test(processing) ? Number(processing) : undefined,
  );
  for (const [name, value] of Object.entries(recorded?.headers ?? {})) {
    if (name.toLowerCase() === 'content-type') continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    expect(meta.headers?.[name.toLowerCase()], `header ${name}`).toBe(joined);
  }
}

/** Facts the body states about itself: the latest non-empty value wins, as in a stream. */
function expectBodyFacts(
  meta: {
    id?: string;
    model?: string;
    created?: number;
    systemFingerprint?: string;
    serviceTier?: string;
  },
  bodies: RecordedFacts[],
): void {
  const last = <K extends keyof RecordedFacts>(key: K) =>
    bodies
      .map((body) => body[key])
      .filter((value) => value !== null && value !== undefined && value !== '')
      .at(-1);
  expect(meta.id).toBe(last('id'));
  expect(meta.model).toBe(last('model'));
  expect(meta.created).toBe(
    bodies.map((body) => body.created).findLast((c) => typeof c === 'number') ?? undefined,
  );
  // An empty fingerprint (chat-03) means none: it is left out rather than kept as ''.
  expect(meta.systemFingerprint).toBe(last('system_fingerprint'));
  expect(meta.serviceTier).toBe(last('service_tier'));
}

describe('corpus replay: chat completion bodies', () => {
  const files = chatBodyFiles();

  it('finds every chat body of the corpus', () => {
    expect(files).toEqual([
      'chat-01-vercel-text.json',
      'chat-03-dotnet-websearch-annotations.json',
      'chat-05-otel-multiple-choices.json',
      'chat-07-dd-gpt35-2023-length.json',
      'chat-09-dd-azure-content-filter.json',
      'logprobs-01-dotnet-top3.json',
      'refusal-01-dotnet-structured.json',
      'tool_calls-01-dotnet-parallel.json',
      'tool_calls-03-pydantic-gpt4o.json',
      'tool_calls-05-openllmetry-function-call.json',
    ]);
  });

  describe.each(files)('%s', (file) => {
    const text = readCorpusText(file);
    const body = JSON.parse(text) as RecordedCompletion;
    const recorded = recordedHeaders(file);

    async function replay() {
      const server = replayFetch(text, replayHeaders(recorded), recorded?.status ?? 200);
      const provider = new OpenAIProvider({
        apiKey: 'test-key',
        baseURL: BASE_URL,
        fetch: server.fetch,
      });
      const result = await provider.complete({
        model: body.model ?? undefined,
        messages: MESSAGES,
      });
      return { result, requests: server.requests };
    }

    it('sends one chat completions request for the body’s model', async () => {
      const { requests } = await replay();
      expect(requests).toHaveLength(1);
      expect(requests[0]?.method).toBe('POST');
      expect(requests[0]?.url).toBe(`${BASE_URL}/chat/completions`);
      expect(requests[0]?.body).toMatchObject({ model: body.model, messages: MESSAGES });
    });

    it('keeps the raw body whole: it round-trips, unknown fields included', async () => {
      const { result } = await replay();
      expect(wire(result.raw)).toStrictEqual(body);
    });

    it('maps every choice', async () => {
      const { result } = await replay();
      const choices = body.choices ?? [];
      expect(result.choices).toHaveLength(choices.length);
      choices.forEach((choice, position) => {
        const actual = result.choices[position];
        const message = choice.message ?? {};
        expect(actual?.index, `choice ${position} index`).toBe(choice.index ?? 0);
        expect(actual?.text, `choice ${position} text`).toBe(message.content ?? '');
        expect(actual?.refusal, `choice ${position} refusal`).toBe(message.refusal || undefined);
        expect(actual?.toolCalls, `choice ${position} tool calls`).toStrictEqual(
          expectedToolCalls(message),
        );
        expect(actual?.finishReason, `choice ${position} finish`).toStrictEqual(
          expectedFinish(choice.finish_reason),
        );
        expect(actual?.logprobs, `choice ${position} logprobs`).toStrictEqual(
          expectedLogprobs(choice.logprobs?.content),
        );
        expect(actual?.refusalLogprobs, `choice ${position} refusal logprobs`).toStrictEqual(
          expectedLogprobs(choice.logprobs?.refusal),
        );
        const citations = (message.annotations ?? [])
          .filter((annotation) => annotation.type === 'url_citation' && annotation.url_citation)
          .map(({ url_citation: citation }) => ({
            type: 'url-citation',
            url: citation?.url,
            title: citation?.title,
            startIndex: citation?.start_index,
            endIndex: citation?.end_index,
          }));
        expect(actual?.annotations, `choice ${position} annotations`).toStrictEqual(
          citations.length > 0 ? citations : undefined,
        );
      });
    });

    it('mirrors the first choice at the top level', async () => {
      const { result } = await replay();
      const { index: _index, ...first } = result.choices[0] ?? { index: 0 };
      const {
        choices: _choices,
        usage: _usage,
        model: _model,
        meta: _meta,
        warnings: _warnings,
        raw: _raw,
        ...top
      } = result;
      expect(top).toStrictEqual(first);
    });

    it('reports usage as the API counted it', async () => {
      const { result } = await replay();
      expectUsage(result.usage, body.usage);
    });

    it('reports the body’s id, model, fingerprint, tier and the recorded headers', async () => {
      const { result } = await replay();
      expect(result.model).toBe(body.model);
      expectBodyFacts(result.meta, [body]);
      expectHeaderFacts(result.meta, file);
      expect(result.warnings).toEqual([]);
    });
  });
});

describe('corpus replay: chat completion streams', () => {
  const files = chatStreamFiles();

  it('finds every chat stream of the corpus', () => {
    expect(files).toEqual([
      'chat_stream-01-vercel-text.jsonl',
      'chat_stream-03-otel-gpt4-usage.sse',
      'chat_stream-05-dd-2023.sse',
      'chat_stream-07-vercel-azure-router.jsonl',
      'logprobs-03-pysnap-stream-refusal.sse',
      'refusal-03-dotnet-stream.sse',
    ]);
  });

  it('serves every recording with [DONE]: the .sse files hold it, the .jsonl ones get it', () => {
    // `.jsonl` recordings (vercel/ai fixtures) keep the chunks only, one per line, the SSE
    // framing and the closing `[DONE]` already stripped by the recorder: the replay adds
    // both back. Every `.sse` recording ends with its own `[DONE]`.
    for (const file of files) {
      expect(recordedDone(file), file).toBe(file.endsWith('.sse'));
      expect(sseBody(file).endsWith('data: [DONE]\n\n'), file).toBe(true);
    }
  });

  // Whole, then cut into 61-byte reads: frames, lines and UTF-8 sequences split across reads.
  describe.each(
    files.flatMap((file) => [
      { file, reads: 'whole body', pieceBytes: undefined },
      { file, reads: '61-byte reads', pieceBytes: 61 },
    ]),
  )('$file, $reads', ({ file, pieceBytes }) => {
    const chunks = streamChunks(file) as RecordedChunk[];
    const recorded = recordedHeaders(file);
    const model = chunks.map((chunk) => chunk.model).findLast(Boolean) ?? 'gpt-4o';

    async function replay() {
      const server = replayFetch(
        sseBody(file),
        replayHeaders(recorded, 'text/event-stream; charset=utf-8'),
        recorded?.status ?? 200,
        pieceBytes,
      );
      const provider = new OpenAIProvider({
        apiKey: 'test-key',
        baseURL: BASE_URL,
        fetch: server.fetch,
      });
      const stream = provider.stream({ model, messages: MESSAGES });
      const events: ChatStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      return { events, result: await stream.result, requests: server.requests };
    }

    const deltas = (key: 'content' | 'refusal') =>
      chunks
        .flatMap((chunk) => chunk.choices ?? [])
        .filter((choice) => (choice.index ?? 0) === 0)
        .map((choice) => choice.delta?.[key] ?? '')
        .join('');

    it('sends one streaming request for the model', async () => {
      const { requests } = await replay();
      expect(requests).toHaveLength(1);
      expect(requests[0]?.body).toMatchObject({ model, stream: true, messages: MESSAGES });
    });

    it('delivers every text delta of choice 0, in order', async () => {
      const { events, result } = await replay();
      const text = events
        .filter((event) => event.type === 'text-delta' && event.choiceIndex === 0)
        .map((event) => (event.type === 'text-delta' ? event.delta : ''))
        .join('');
      expect(text).toBe(deltas('content'));
      expect(result.text).toBe(deltas('content'));
    });

    // logprobs-03 refuses through `delta.refusal` (with refusal logprobs); refusal-03, despite
    // its name, was answered with ordinary content ("I'm sorry, I can't assist...") and holds
    // no refusal delta, so its result has text and no refusal.
    it('delivers the refusal, when the stream refused through refusal deltas', async () => {
      const { events, result } = await replay();
      const refusal = events
        .filter((event) => event.type === 'refusal-delta' && event.choiceIndex === 0)
        .map((event) => (event.type === 'refusal-delta' ? event.delta : ''))
        .join('');
      expect(refusal).toBe(deltas('refusal'));
      expect(result.refusal).toBe(deltas('refusal') || undefined);
    });

    it('keeps every recorded chunk as raw, in order', async () => {
      const { result } = await replay();
      expect(wire(result.raw)).toStrictEqual(chunks);
    });

    it('reports the finish reason, the usage chunk and the logprobs', async () => {
      const { result } = await replay();
      const choices = chunks
        .flatMap((chunk) => chunk.choices ?? [])
        .filter((c) => (c.index ?? 0) === 0);
      expect(result.finishReason).toStrictEqual(
        expectedFinish(choices.map((choice) => choice.finish_reason).findLast(Boolean)),
      );
      expectUsage(result.usage, chunks.map((chunk) => chunk.usage).findLast(Boolean));
      const gather = (key: 'content' | 'refusal') => {
        const lists = choices.map((choice) => choice.logprobs?.[key]).filter((list) => list);
        return lists.length > 0 ? expectedLogprobs(lists.flatMap((list) => list ?? [])) : undefined;
      };
      expect(result.logprobs).toStrictEqual(gather('content'));
      expect(result.refusalLogprobs).toStrictEqual(gather('refusal'));
    });

    it('reports the chunks’ id, model, fingerprint, tier and the recorded headers', async () => {
      const { result } = await replay();
      expect(result.model).toBe(model);
      expectBodyFacts(result.meta, chunks);
      expectHeaderFacts(result.meta, file);
    });
  });
});
