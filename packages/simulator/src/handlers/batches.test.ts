import { ManualClock } from '@ply/core/testing';
import { parseOpenAI } from '@ply/response-models';
import OpenAI, { BadRequestError, NotFoundError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../server.js';

interface ResultLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string; body: Record<string, unknown> };
  error: null;
}

const chat = (customId: string, model: string, content: string) => ({
  custom_id: customId,
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model, messages: [{ role: 'user', content }] },
});
const REQUESTS = [
  chat('greet', 'gpt-4o-mini', 'Hello from a batch!'),
  chat('lorem', 'sim-lorem', 'Write something long.'),
  chat('missing-model', 'no-such-model', 'Nobody answers this.'),
  {
    custom_id: 'embed',
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'text-embedding-3-small', input: 'embed me' },
  },
];
const jsonl = (lines: unknown[]) => `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;

const strict = { mode: 'strict' } as const;

/** Starts a simulator and an official client for it. */
async function serve(options: Parameters<typeof startSimulator>[0]) {
  const running = await startSimulator({ port: 0, ...options });
  const client = new OpenAI({ apiKey: 'test-key', baseURL: running.url, maxRetries: 0 });
  return { running, client };
}

async function uploadBatchFile(client: OpenAI, content = jsonl(REQUESTS)) {
  return client.files.create({
    file: await toFile(Buffer.from(content), 'batch.jsonl'),
    purpose: 'batch',
  });
}

async function createBatch(client: OpenAI) {
  const file = await uploadBatchFile(client);
  return client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
}

async function resultLines(client: OpenAI, fileId: string | null | undefined) {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ResultLine);
}

describe('batches, completing at once', () => {
  let running: RunningSimulator;
  let client: OpenAI;

  beforeAll(async () => {
    ({ running, client } = await serve({ batchCompletionMs: 0 }));
  });
  afterAll(() => running.close());

  it('uploads a batch file and serves it back byte for byte', async () => {
    const content = jsonl(REQUESTS);
    const file = await uploadBatchFile(client, content);
    parseOpenAI('OpenAIFile', file, strict);
    expect(file).toMatchObject({
      object: 'file',
      purpose: 'batch',
      status: 'processed',
      filename: 'batch.jsonl',
      bytes: Buffer.byteLength(content),
    });
    expect(file.id).toMatch(/^file-/);
    parseOpenAI('OpenAIFile', await client.files.retrieve(file.id), strict);
    expect(await (await client.files.content(file.id)).text()).toBe(content);
  });

  it('runs every request once, failures in the error file', async () => {
    const created = await createBatch(client);
    parseOpenAI('Batch', created, strict);
    expect(created.status).toBe('validating');
    expect(created.id).toMatch(/^batch_/);

    const batch = await client.batches.retrieve(created.id);
    parseOpenAI('Batch', batch, strict);
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 4, completed: 3, failed: 1 });
    expect(batch.completed_at).toBeTypeOf('number');

    const output = await resultLines(client, batch.output_file_id);
    const errors = await resultLines(client, batch.error_file_id);
    const customIds = [...output, ...errors].map((line) => line.custom_id).sort();
    expect(customIds).toEqual(REQUESTS.map((request) => request.custom_id).sort());

    for (const line of output) {
      expect(line.id).toMatch(/^batch_req_/);
      expect(line.error).toBeNull();
      expect(line.response.status_code).toBe(200);
      const component =
        line.custom_id === 'embed' ? 'CreateEmbeddingResponse' : 'CreateChatCompletionResponse';
      parseOpenAI(component, line.response.body, strict);
    }
    const greeting = output.find((line) => line.custom_id === 'greet')?.response.body;
    expect(greeting).toMatchObject({
      model: 'gpt-4o-mini',
      choices: [{ message: { content: 'Hello from a batch!' } }],
    });

    expect(errors).toHaveLength(1);
    const [failure] = errors;
    expect(failure?.custom_id).toBe('missing-model');
    expect(failure?.response.status_code).toBe(404);
    expect(failure?.error).toBeNull();
    expect(parseOpenAI('ErrorResponse', failure?.response.body, strict).error.code).toBe(
      'model_not_found',
    );

    for (const fileId of [batch.output_file_id, batch.error_file_id]) {
      const file = await client.files.retrieve(fileId ?? '');
      parseOpenAI('OpenAIFile', file, strict);
      expect(file.purpose).toBe('batch_output');
    }
  });

  it('computes the results once: later reads return the same files', async () => {
    const created = await createBatch(client);
    const first = await client.batches.retrieve(created.id);
    const second = await client.batches.retrieve(created.id);
    expect(second.output_file_id).toBe(first.output_file_id);
    expect(second.error_file_id).toBe(first.error_file_id);
  });

  it('refuses to cancel a completed batch', async () => {
    const created = await createBatch(client);
    expect((await client.batches.retrieve(created.id)).status).toBe('completed');
    const error = await client.batches.cancel(created.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).status).toBe(400);
  });

  it.each([
    ['invalid JSON', '{"custom_id": "a", \n', 'line 1'],
    ['a missing custom_id', jsonl([{ ...REQUESTS[0], custom_id: undefined }]), 'custom_id'],
    ['a GET', jsonl([{ ...REQUESTS[0], method: 'GET' }]), "'POST'"],
    ['an unsupported url', jsonl([{ ...REQUESTS[0], url: '/v1/images' }]), '/v1/images'],
    ['a missing body', jsonl([{ ...REQUESTS[0], body: 'text' }]), "'body'"],
    ['a repeated custom_id', jsonl([REQUESTS[0], REQUESTS[1], REQUESTS[0]]), 'line 3'],
    ['no requests', '\n', 'no requests'],
  ])('rejects a batch file with %s', async (_, content, mention) => {
    const error = await uploadBatchFile(client, content).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).status).toBe(400);
    expect((error as BadRequestError).param).toBe('file');
    expect((error as BadRequestError).message.toLowerCase()).toContain(mention.toLowerCase());
  });

  it('answers 404 for unknown files and batches', async () => {
    for (const request of [
      client.files.retrieve('file-unknown'),
      client.files.content('file-unknown'),
      client.batches.retrieve('batch_unknown'),
      client.batches.cancel('batch_unknown'),
      client.batches.create({
        input_file_id: 'file-unknown',
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ]) {
      const error = await (request as Promise<unknown>).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
    }
  });

  it('rejects a batch on a file uploaded for another purpose, or an unknown window', async () => {
    const other = await client.files.create({
      file: await toFile(Buffer.from('notes'), 'notes.txt'),
      purpose: 'user_data',
    });
    parseOpenAI('OpenAIFile', other, strict);
    const wrongPurpose = client.batches.create({
      input_file_id: other.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await expect(wrongPurpose).rejects.toBeInstanceOf(BadRequestError);
    const file = await uploadBatchFile(client);
    const wrongWindow = client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '1h' as '24h',
    });
    await expect(wrongWindow).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('batches on a manual clock', () => {
  let running: RunningSimulator;
  let client: OpenAI;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    ({ running, client } = await serve({ clock, batchCompletionMs: 1000 }));
  });
  afterAll(() => running.close());

  it('moves from validating to in_progress to completed as the clock advances', async () => {
    const created = await createBatch(client);
    expect(created.status).toBe('validating');

    const validating = await client.batches.retrieve(created.id);
    parseOpenAI('Batch', validating, strict);
    expect(validating.status).toBe('validating');
    expect(validating.in_progress_at).toBeUndefined();

    await clock.advance(500);
    const inProgress = await client.batches.retrieve(created.id);
    parseOpenAI('Batch', inProgress, strict);
    expect(inProgress.status).toBe('in_progress');
    expect(inProgress.in_progress_at).toBeTypeOf('number');
    expect(inProgress.output_file_id).toBeUndefined();
    expect(inProgress.request_counts).toEqual({ total: 4, completed: 0, failed: 0 });

    await clock.advance(500);
    const completed = await client.batches.retrieve(created.id);
    parseOpenAI('Batch', completed, strict);
    expect(completed.status).toBe('completed');
    expect(completed.request_counts).toEqual({ total: 4, completed: 3, failed: 1 });
    expect(completed.output_file_id).toMatch(/^file-/);
    expect(completed.error_file_id).toMatch(/^file-/);
    expect(completed.finalizing_at).toBeTypeOf('number');
    expect(completed.completed_at).toBeTypeOf('number');
  });

  it('cancels: cancelling in the answer, cancelled after, and never runs', async () => {
    const file = await uploadBatchFile(client);
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { purpose: 'cancel test' },
    });
    expect(created.metadata).toEqual({ purpose: 'cancel test' });
    await clock.advance(200);

    const cancelling = await client.batches.cancel(created.id);
    parseOpenAI('Batch', cancelling, strict);
    expect(cancelling.status).toBe('cancelling');
    expect(cancelling.cancelling_at).toBeTypeOf('number');

    await clock.advance(1000);
    const cancelled = await client.batches.retrieve(created.id);
    parseOpenAI('Batch', cancelled, strict);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelled_at).toBeTypeOf('number');
    expect(cancelled.output_file_id).toBeUndefined();
    expect(cancelled.request_counts).toEqual({ total: 4, completed: 0, failed: 0 });

    await expect(client.batches.cancel(created.id)).rejects.toBeInstanceOf(BadRequestError);
  });
});
