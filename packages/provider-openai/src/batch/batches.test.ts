import { randomBytes } from 'node:crypto';
import {
  AbortedError,
  type ChatRequest,
  ContextWindowExceededError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  UnsupportedFeatureError,
} from '@ply/core';
import { ManualClock } from '@ply/core/testing';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOpenAIProvider } from '../create-openai-provider.js';
import type { OpenAIProvider } from '../openai-provider.js';
import type { BatchItemResult, BatchRequest } from './batch-types.js';

const ask = (content: string, model = 'gpt-4o-mini'): ChatRequest => ({
  model,
  messages: [{ role: 'user', content }],
});

const CHAT_BATCH: BatchRequest[] = [
  { customId: 'first', chat: ask('Hello from the first request') },
  { customId: 'imaginary', chat: ask('Nobody answers this', 'gpt-imaginary') },
  { customId: 'third', chat: ask('And a third') },
];

function expectFailure(outcome: BatchItemResult | undefined) {
  if (!outcome || outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome.error;
}

function expectChat(outcome: BatchItemResult | undefined) {
  if (!outcome?.ok || outcome.kind !== 'chat')
    throw new Error(`expected a chat result, got ${JSON.stringify(outcome)}`);
  return outcome.result;
}

function expectEmbed(outcome: BatchItemResult | undefined) {
  if (!outcome?.ok || outcome.kind !== 'embed')
    throw new Error(`expected an embeddings result, got ${JSON.stringify(outcome)}`);
  return outcome.result;
}

/** The lines of the input file as the simulator stored it. */
async function inputLines(running: RunningSimulator, fileId: string): Promise<unknown[]> {
  const response = await fetch(`${running.url}/files/${fileId}/content`, {
    headers: { authorization: 'Bearer test-key' },
  });
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

describe('batches', () => {
  let running: RunningSimulator;
  let provider: OpenAIProvider;

  beforeAll(async () => {
    running = await startSimulator({ port: 0, batchCompletionMs: 0 });
    provider = createOpenAIProvider({ apiKey: 'test-key', baseURL: running.url });
  });
  afterAll(() => running.close());

  const fileUploads = () =>
    running.simulator.log.entries.filter((entry) => entry.path.startsWith('/v1/files'));

  it('submits chat requests, waits, and maps each result by custom id, failures included', async () => {
    const submitted = await provider.submitBatch(CHAT_BATCH, { metadata: { job: 'nightly' } });
    expect(submitted).toMatchObject({
      status: 'validating',
      done: false,
      kind: 'chat',
      endpoint: '/v1/chat/completions',
      metadata: { job: 'nightly' },
    });
    expect(submitted.id).toMatch(/^batch_/);
    expect(submitted.inputFileId).toMatch(/^file-/);
    expect(submitted.warnings.size).toBe(0);

    const lines = await inputLines(running, submitted.inputFileId);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual({
      custom_id: 'first',
      method: 'POST',
      url: '/v1/chat/completions',
      body: {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hello from the first request' }],
        stream: false,
      },
    });

    const finished = await provider.waitForBatch(submitted.id);
    expect(finished).toMatchObject({
      id: submitted.id,
      status: 'completed',
      done: true,
      requestCounts: { total: 3, completed: 2, failed: 1 },
    });
    expect(finished.outputFileId).toMatch(/^file-/);
    expect(finished.errorFileId).toMatch(/^file-/);
    expect(finished.usage?.inputTokens).toBeGreaterThan(0);

    const results = await provider.batchResults(submitted.id);
    expect([...results.keys()].sort()).toEqual(['first', 'imaginary', 'third']);
    const first = expectChat(results.get('first'));
    expect(first.text).toBe('Hello from the first request');
    expect(first.model).toBe('gpt-4o-mini');
    expect(first.finishReason.unified).toBe('stop');
    expect(first.usage.outputTokens).toBeGreaterThan(0);
    expect(first.meta.requestId).toMatch(/^req_/);
    expect(expectChat(results.get('third')).text).toBe('And a third');

    const error = expectFailure(results.get('imaginary'));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, provider: 'openai', retryable: false });
    expect(error.requestId).toMatch(/^req_/);
    expect(error.message).toContain('gpt-imaginary');
    expect(error.message).not.toContain('test-key');
  });

  it("masks the provider's own key in a per-item error, which is returned, not thrown", async () => {
    const key = `plain${randomBytes(16).toString('hex')}`;
    const keyed = createOpenAIProvider({ apiKey: key, baseURL: running.url });
    // A key pasted where the model goes: the API quotes the model back in its 404.
    const submitted = await keyed.submitBatch([{ customId: 'pasted', chat: ask('Hi', key) }]);
    await keyed.waitForBatch(submitted.id);
    const error = expectFailure((await keyed.batchResults(submitted.id)).get('pasted'));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(error.message).toContain('[redacted]');
    expect(
      JSON.stringify({ ...error, message: error.message, cause: String(error.cause) }),
    ).not.toContain(key);
  });

  it('runs an embeddings batch and decodes its vectors', async () => {
    const submitted = await provider.submitBatch([
      { customId: 'one', embed: { input: 'a single text', dimensions: 8 } },
      { customId: 'many', embed: { input: ['two', 'texts'], dimensions: 8 } },
    ]);
    expect(submitted).toMatchObject({ kind: 'embed', endpoint: '/v1/embeddings' });
    const [line] = await inputLines(running, submitted.inputFileId);
    expect(line).toMatchObject({
      url: '/v1/embeddings',
      body: {
        model: 'text-embedding-3-small',
        input: 'a single text',
        encoding_format: 'base64',
        dimensions: 8,
      },
    });

    expect((await provider.waitForBatch(submitted.id)).status).toBe('completed');
    const results = await provider.batchResults(submitted.id);
    const one = expectEmbed(results.get('one'));
    const many = expectEmbed(results.get('many'));
    expect(one.embeddings).toHaveLength(1);
    expect(one.embeddings[0]).toBeInstanceOf(Float32Array);
    expect(one.embeddings[0]).toHaveLength(8);
    expect(many.embeddings).toHaveLength(2);
    expect(many.usage.inputTokens).toBeGreaterThan(0);
    const direct = await provider.embed({ input: ['two', 'texts'], dimensions: 8 });
    expect(many.embeddings).toEqual(direct.embeddings);
  });

  it('returns the mapping warnings by custom id', async () => {
    const submitted = await provider.submitBatch([
      { customId: 'plain', chat: ask('hi') },
      { customId: 'reasoning', chat: { ...ask('hi', 'o3-mini'), temperature: 0.5 } },
    ]);
    expect(submitted.warnings.has('plain')).toBe(false);
    expect(submitted.warnings.get('reasoning')).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'temperature' }),
    ]);
    const lines = await inputLines(running, submitted.inputFileId);
    expect(lines[1]).not.toHaveProperty('body.temperature');
  });

  it('validates every request before sending anything, naming the request and the field', async () => {
    const uploads = fileUploads().length;
    const error = await provider
      .submitBatch([
        { customId: 'fine', chat: ask('ok') },
        { customId: 'too-hot', chat: { ...ask('ok'), temperature: 5 } },
      ])
      .catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'requests[1].chat.temperature' });
    expect((error as Error).message).toMatch(/^requests\[1\] \(custom id "too-hot"\): temperature/);

    const badEmbed = await provider
      .submitBatch([{ customId: 'empty', embed: { input: [] } }])
      .catch((caught: unknown) => caught);
    expect(badEmbed).toMatchObject({ code: 'invalid_request', field: 'requests[0].embed.input' });

    for (const requests of [
      [],
      [{ customId: '', chat: ask('x') }],
      [{ customId: 'neither' }],
      [{ customId: 'both', chat: ask('x'), embed: { input: 'x' } }],
    ] as unknown as BatchRequest[][]) {
      await expect(provider.submitBatch(requests)).rejects.toSatisfy((caught) =>
        InvalidRequestError.isInstance(caught),
      );
    }
    expect(fileUploads()).toHaveLength(uploads);
  });

  it('rejects repeated custom ids', async () => {
    const uploads = fileUploads().length;
    const error = await provider
      .submitBatch([
        { customId: 'same', chat: ask('one') },
        { customId: 'other', chat: ask('two') },
        { customId: 'same', chat: ask('three') },
      ])
      .catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'requests[2].customId' });
    expect((error as Error).message).toContain('requests[0]');
    expect(fileUploads()).toHaveLength(uploads);
  });

  it('rejects a mix of chat and embeddings: a batch holds one kind', async () => {
    const uploads = fileUploads().length;
    const error = await provider
      .submitBatch([
        { customId: 'chat', chat: ask('one') },
        { customId: 'embed', embed: { input: 'two' } },
      ])
      .catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'requests[1]' });
    expect((error as Error).message).toContain('one kind');
    expect(fileUploads()).toHaveLength(uploads);
  });

  it('refuses batches on a server declared without them, before any request', async () => {
    const local = createOpenAIProvider({
      apiKey: 'test-key',
      baseURL: running.url,
      compatibility: { unsupported: ['batch'] },
    });
    const before = running.simulator.log.entries.length;
    await expect(local.submitBatch(CHAT_BATCH)).rejects.toSatisfy(
      (error) => UnsupportedFeatureError.isInstance(error) && error.feature === 'batch',
    );
    expect(running.simulator.log.entries).toHaveLength(before);
  });

  it('maps a server error: an unknown batch is a NotFoundError', async () => {
    await expect(provider.waitForBatch('batch_unknown')).rejects.toSatisfy((error) =>
      NotFoundError.isInstance(error),
    );
    await expect(provider.batchResults('batch_unknown')).rejects.toSatisfy((error) =>
      NotFoundError.isInstance(error),
    );
  });
});

describe('waiting on a manual clock', () => {
  const clock = new ManualClock(Date.now());
  let running: RunningSimulator;
  let provider: OpenAIProvider;

  beforeAll(async () => {
    running = await startSimulator({ port: 0, clock, batchCompletionMs: 5000 });
    provider = createOpenAIProvider({ apiKey: 'test-key', baseURL: running.url, clock });
  });
  afterAll(() => running.close());

  const polls = (batchId: string) =>
    running.simulator.log.entries.filter(
      (entry) => entry.method === 'GET' && entry.path === `/v1/batches/${batchId}`,
    );

  /** Until the wait has polled `count` times and sleeps on the clock again. */
  const pollsSettle = (batchId: string, count: number, sleeps = 1) =>
    vi.waitFor(
      () => {
        expect(polls(batchId)).toHaveLength(count);
        expect(clock.pendingSleeps).toBe(sleeps);
      },
      { interval: 2, timeout: 5000 },
    );

  const submit = () =>
    provider.submitBatch(CHAT_BATCH.filter((item) => item.customId !== 'imaginary'));

  it('polls only as the clock advances, with pauses growing by half', async () => {
    const submitted = await submit();
    const start = clock.now();
    const statuses: string[] = [];
    const waiting = provider.waitForBatch(submitted.id, {
      onPoll: (info) => statuses.push(info.status),
    });

    await pollsSettle(submitted.id, 1);
    await clock.advance(999);
    expect(polls(submitted.id)).toHaveLength(1);
    await clock.advance(1);
    await pollsSettle(submitted.id, 2);
    await clock.advance(1499);
    expect(polls(submitted.id)).toHaveLength(2);
    await clock.advance(1);
    await pollsSettle(submitted.id, 3);
    await clock.advance(2250);
    await pollsSettle(submitted.id, 4);
    await clock.advance(3375);

    const finished = await waiting;
    expect(finished.status).toBe('completed');
    expect(finished.requestCounts).toEqual({ total: 2, completed: 2, failed: 0 });
    expect(statuses).toEqual([
      'validating',
      'in_progress',
      'in_progress',
      'in_progress',
      'completed',
    ]);
    // 1,000 then ×1.5 each time: 1,000, 1,500, 2,250, 3,375.
    expect(polls(submitted.id).map((entry) => entry.at - start)).toEqual([
      0, 1000, 2500, 4750, 8125,
    ]);
    expect(clock.pendingSleeps).toBe(0);

    const results = await provider.batchResults(submitted.id);
    expect(expectChat(results.get('third')).text).toBe('And a third');
  });

  it('caps the pause at maxPollIntervalMs', async () => {
    const submitted = await submit();
    const start = clock.now();
    const waiting = provider.waitForBatch(submitted.id, {
      pollIntervalMs: 2000,
      maxPollIntervalMs: 2500,
    });
    await pollsSettle(submitted.id, 1);
    await clock.advance(2000);
    await pollsSettle(submitted.id, 2);
    await clock.advance(2500);
    await pollsSettle(submitted.id, 3);
    await clock.advance(2500);
    expect((await waiting).status).toBe('completed');
    expect(polls(submitted.id).map((entry) => entry.at - start)).toEqual([0, 2000, 4500, 7000]);
  });

  it('rejects with AbortedError when aborted during the wait', async () => {
    const submitted = await submit();
    const controller = new AbortController();
    // Caught at once: the rejection may come before the assertion is reached.
    const outcome = provider
      .waitForBatch(submitted.id, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    await pollsSettle(submitted.id, 1);
    controller.abort();
    expect(AbortedError.isInstance(await outcome)).toBe(true);
    expect(clock.pendingSleeps).toBe(0);
    expect(polls(submitted.id)).toHaveLength(1);

    await expect(
      provider.waitForBatch(submitted.id, { signal: AbortSignal.abort() }),
    ).rejects.toSatisfy((error) => AbortedError.isInstance(error));
    expect(polls(submitted.id)).toHaveLength(1);
  });

  it('rejects with TimeoutError once timeoutMs has passed on the clock', async () => {
    const submitted = await submit();
    const outcome = provider
      .waitForBatch(submitted.id, { timeoutMs: 2000 })
      .catch((caught: unknown) => caught);
    // The wait sleeps between polls, and its deadline sleeps too.
    await pollsSettle(submitted.id, 1, 2);
    await clock.advance(1000);
    await pollsSettle(submitted.id, 2, 2);
    await clock.advance(999);
    expect(clock.pendingSleeps).toBe(2);
    // The deadline ends the second pause (1,500 ms) halfway.
    await clock.advance(1);
    const error = await outcome;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ phase: 'deadline', timeoutMs: 2000 });
    expect((error as Error).message).toContain('in_progress');
    expect(polls(submitted.id)).toHaveLength(2);
    expect(clock.pendingSleeps).toBe(0);
  });

  it('refuses to read the results of a batch that has not ended', async () => {
    const submitted = await submit();
    const error = await provider.batchResults(submitted.id).catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('validating');
  });
});

describe('result lines the simulator does not write', () => {
  const batch = (fields: Record<string, unknown>) => ({
    id: 'batch_fake',
    object: 'batch',
    endpoint: '/v1/chat/completions',
    input_file_id: 'file-input',
    completion_window: '24h',
    created_at: 1_700_000_000,
    ...fields,
  });
  const line = (customId: string, response: unknown, error: unknown = null) =>
    JSON.stringify({ id: `batch_req_${customId}`, custom_id: customId, response, error });
  const apiError = (message: string, code: string | null, param: string | null = null) => ({
    error: { message, type: 'invalid_request_error', code, param },
  });

  /** A provider on a fetch that serves one batch object and its files. */
  function providerFor(body: unknown, files: Record<string, string> = {}) {
    const fetch = async (input: string | URL | Request) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (url.pathname.endsWith('/batches/batch_fake')) return Response.json(body);
      const content = /\/files\/([^/]+)\/content$/.exec(url.pathname)?.[1];
      const text = content === undefined ? undefined : files[content];
      if (text !== undefined) return new Response(text);
      return Response.json(apiError('No such thing', null), { status: 404 });
    };
    return createOpenAIProvider({ apiKey: 'test-key', baseURL: 'http://fake.invalid/v1', fetch });
  }

  it('maps expired, rate-limited, oversized and unparsable lines to typed errors', async () => {
    const provider = providerFor(batch({ status: 'expired', error_file_id: 'file-errors' }), {
      'file-errors': [
        line('expired', null, {
          code: 'batch_expired',
          message: 'Not run before the window ended.',
        }),
        line('cancelled', null, { code: 'batch_cancelled', message: 'The batch was cancelled.' }),
        line('limited', {
          status_code: 429,
          request_id: 'req_limited',
          body: apiError('Rate limit reached', 'rate_limit_exceeded'),
        }),
        line('long', {
          status_code: 400,
          request_id: 'req_long',
          body: apiError('Too long', 'context_length_exceeded', 'messages'),
        }),
        line('garbled', { status_code: 200, request_id: 'req_garbled', body: { choices: 'none' } }),
        '',
      ].join('\n'),
    });
    const results = await provider.batchResults('batch_fake');
    expect(results.size).toBe(5);
    const expired = expectFailure(results.get('expired'));
    expect(TimeoutError.isInstance(expired) && expired.phase === 'deadline').toBe(true);
    expect(AbortedError.isInstance(expectFailure(results.get('cancelled')))).toBe(true);
    const limited = expectFailure(results.get('limited'));
    expect(RateLimitError.isInstance(limited)).toBe(true);
    expect(limited).toMatchObject({ status: 429, requestId: 'req_limited', retryable: true });
    const long = expectFailure(results.get('long'));
    expect(ContextWindowExceededError.isInstance(long)).toBe(true);
    expect(long).toMatchObject({ field: 'messages' });
    const garbled = expectFailure(results.get('garbled'));
    expect(InvalidResponseError.isInstance(garbled)).toBe(true);
    expect(garbled.requestId).toBe('req_garbled');
  });

  it('reports a batch that failed validation: returned by the wait, thrown by the results', async () => {
    const failed = batch({
      status: 'failed',
      failed_at: 1_700_000_100,
      errors: {
        object: 'list',
        data: [{ code: 'invalid_json_line', message: 'Line 2 is not JSON.', line: 2, param: null }],
      },
    });
    const provider = providerFor(failed);
    const info = await provider.waitForBatch('batch_fake');
    expect(info).toMatchObject({
      status: 'failed',
      done: true,
      failedAt: 1_700_000_100,
      errors: [{ code: 'invalid_json_line', message: 'Line 2 is not JSON.', line: 2 }],
    });
    const error = await provider.batchResults('batch_fake').catch((caught: unknown) => caught);
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('line 2: Line 2 is not JSON.');
  });

  it('rejects a result file that is not JSON lines', async () => {
    const provider = providerFor(batch({ status: 'completed', output_file_id: 'file-out' }), {
      'file-out': 'not json\n',
    });
    await expect(provider.batchResults('batch_fake')).rejects.toSatisfy((error) =>
      InvalidResponseError.isInstance(error),
    );
  });
});
