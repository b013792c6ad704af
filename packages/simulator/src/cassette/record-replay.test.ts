import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIConnectionError, NotFoundError, toFile } from 'openai';
import type { ChatCompletion, CreateEmbeddingResponse } from 'openai/resources';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../server.js';
import { createSimulator } from '../simulator.js';
import { type Cassette, isStreamResponse } from './cassette.js';
import { loadCassette } from './cassette-file.js';
import { CassetteMissError } from './cassette-miss-error.js';
import type { FetchFunction } from './fetch-function.js';
import { recordingFetch } from './record-fetch.js';
import { replayFetch } from './replay-fetch.js';

const PLANTED_KEY = ['sk', 'proj', 'PLANTEDsecret1234567890abcdef'].join('-');
const PLANTED_ORG = 'org-PLANTEDorganisation1234';
const PLANTED_PROJECT = 'proj_PLANTEDproject123456789';
const PLANTED = [PLANTED_KEY, PLANTED_ORG, PLANTED_PROJECT, 'PLANTED'];

const REPLAY_URL = 'http://replay.invalid/v1';
const ask = (content: string) => [{ role: 'user' as const, content }];

const client = (fetch: FetchFunction, baseURL = REPLAY_URL) =>
  new OpenAI({
    apiKey: PLANTED_KEY,
    organization: PLANTED_ORG,
    project: PLANTED_PROJECT,
    baseURL,
    fetch,
    maxRetries: 0,
  });

/** The same calls, live (recording) and replayed. */
const calls = {
  chat: (openai: OpenAI) =>
    openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: ask('Hello there, cassette!'),
      user: PLANTED_KEY,
    }),
  stream: async (openai: OpenAI) => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: ask('Stream this sentence back to me, please.'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    return { text, usage };
  },
  embeddings: (openai: OpenAI) =>
    openai.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] }),
  missingModel: (openai: OpenAI) =>
    openai.chat.completions.create({ model: 'gpt-no-such-model', messages: ask('Hi') }),
};

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe('recording real exchanges (loopback HTTP) and replaying them offline', () => {
  let folder: string;
  let cassette: Cassette;
  let savedPath: string;
  const live: {
    chat?: ChatCompletion;
    stream?: { text: string; usage: unknown };
    embeddings?: CreateEmbeddingResponse;
    missingModel?: unknown;
  } = {};

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'ply-cassette-'));
    savedPath = join(folder, 'nested', 'exchanges.json');
    // A paced stream, so its chunks cross the socket one by one.
    const running = await startSimulator({
      port: 0,
      organization: PLANTED_ORG,
      pace: { tokenDelayMs: 2 },
    });
    const recording = recordingFetch({ fetch: globalThis.fetch });
    const openai = client(recording.fetch, running.url);
    live.chat = await calls.chat(openai);
    live.stream = await calls.stream(openai);
    live.embeddings = await calls.embeddings(openai);
    live.missingModel = await failure(calls.missingModel(openai));
    await running.close();
    cassette = recording.cassette();
    await recording.save(savedPath);
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('redacts the key, organisation and project wherever they were', async () => {
    const saved = await readFile(savedPath, 'utf8');
    for (const planted of PLANTED) {
      expect(JSON.stringify(cassette)).not.toContain(planted);
      expect(saved).not.toContain(planted);
    }
    const [chat] = cassette.interactions;
    expect(chat?.request.headers.authorization).toBe('Bearer [redacted]');
    expect(chat?.request.headers['openai-organization']).toBe('[redacted]');
    expect(chat?.request.headers['openai-project']).toBe('[redacted]');
    expect(chat?.request.body).toMatchObject({ user: '[redacted]' });
    expect(chat?.response.headers['openai-organization']).toBe('[redacted]');
  });

  it('keeps each exchange: path, parsed JSON bodies, and a stream chunk by chunk', () => {
    expect(cassette.version).toBe(1);
    expect(
      cassette.interactions.map(({ request, response }) => [
        request.method,
        request.path,
        response.status,
      ]),
    ).toEqual([
      ['POST', '/v1/chat/completions', 200],
      ['POST', '/v1/chat/completions', 200],
      ['POST', '/v1/embeddings', 200],
      ['POST', '/v1/chat/completions', 404],
    ]);
    const stream = cassette.interactions[1]?.response;
    expect(stream && isStreamResponse(stream)).toBe(true);
    if (!stream || !isStreamResponse(stream)) return;
    expect(stream.chunks.length).toBeGreaterThan(2);
    expect(stream.chunks.at(-1)?.data).toContain('data: [DONE]');
    for (const chunk of stream.chunks) expect(chunk.delayMs).toBeGreaterThanOrEqual(0);
    expect(cassette.interactions[0]?.response).toMatchObject({
      body: { object: 'chat.completion' },
    });
  });

  it('replays a completion as recorded', async () => {
    const openai = client(replayFetch(cassette));
    expect(await calls.chat(openai)).toEqual(live.chat);
  });

  it('replays a stream chunk by chunk: the same text and final usage', async () => {
    const openai = client(replayFetch(cassette));
    const replayed = await calls.stream(openai);
    expect(replayed).toEqual(live.stream);
    expect(replayed.text).not.toBe('');
    expect(replayed.usage).toMatchObject({ total_tokens: expect.any(Number) });
  });

  it('replays a stream with its recorded delays when asked', async () => {
    const openai = client(replayFetch(cassette, { realTiming: true }));
    expect(await calls.stream(openai)).toEqual(live.stream);
  });

  it('replays embeddings', async () => {
    const openai = client(replayFetch(cassette));
    expect(await calls.embeddings(openai)).toEqual(live.embeddings);
  });

  it("replays a recorded 404 as the SDK's NotFoundError", async () => {
    const openai = client(replayFetch(cassette));
    const error = await failure(calls.missingModel(openai));
    expect(live.missingModel).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toEqual((live.missingModel as NotFoundError).error);
  });

  it('replays from a saved file', async () => {
    const loaded = await loadCassette(savedPath);
    expect(loaded).toEqual(cassette);
    expect(await calls.embeddings(client(replayFetch(loaded)))).toEqual(live.embeddings);
  });

  it('fails a request it has no recording for, naming the path and the difference', async () => {
    const openai = client(replayFetch(cassette));
    const error = await failure(
      openai.chat.completions.create({ model: 'gpt-4o-mini', messages: ask('Something else') }),
    );
    // The SDK reports a failed fetch as a connection error, with the fetch's error as cause.
    expect(error).toBeInstanceOf(APIConnectionError);
    const miss = (error as APIConnectionError).cause;
    expect(miss).toBeInstanceOf(CassetteMissError);
    expect(miss).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect((miss as CassetteMissError).message).toContain('/v1/chat/completions');
    expect((miss as CassetteMissError).closest).toContain('messages[0].content');
  });

  it('consumes an interaction once: a second identical request misses', async () => {
    const openai = client(replayFetch(cassette));
    await calls.embeddings(openai);
    const miss = ((await failure(calls.embeddings(openai))) as APIConnectionError).cause;
    expect(miss).toBeInstanceOf(CassetteMissError);
    expect((miss as CassetteMissError).closest).toContain('already replayed');
  });
});

describe('replay matching', () => {
  const body = (input: unknown) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });

  it('matches a JSON body whatever its key order, and serves repeats in recorded order', async () => {
    const simulator = createSimulator();
    const recording = recordingFetch({ fetch: simulator.fetch });
    const openai = client(recording.fetch, 'http://simulator.test/v1');
    const first = await calls.chat(openai);
    const second = await calls.chat(openai);
    expect(first.id).not.toBe(second.id);

    const replay = replayFetch(recording.cassette());
    const request = {
      user: PLANTED_KEY,
      messages: ask('Hello there, cassette!'),
      model: 'gpt-4o-mini',
    };
    const url = `${REPLAY_URL}/chat/completions`;
    expect(await (await replay(url, body(request))).json()).toMatchObject({ id: first.id });
    expect(await (await replay(url, body(request))).json()).toMatchObject({ id: second.id });
  });

  it('names the recorded paths when none matches, and never calls out', async () => {
    const simulator = createSimulator();
    const recording = recordingFetch({ fetch: simulator.fetch });
    await calls.embeddings(client(recording.fetch, 'http://simulator.test/v1'));
    const miss = await failure(replayFetch(recording.cassette())(`${REPLAY_URL}/models`));
    expect(miss).toBeInstanceOf(CassetteMissError);
    expect(miss).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect((miss as CassetteMissError).closest).toContain('/v1/embeddings');
  });

  it('redacts caller-given secrets on record, and on replay when given them again', async () => {
    const simulator = createSimulator();
    const recording = recordingFetch({ fetch: simulator.fetch, secrets: ['customer-4711'] });
    const ask4711 = (fetch: FetchFunction) =>
      client(fetch, 'http://simulator.test/v1').chat.completions.create({
        model: 'gpt-4o-mini',
        messages: ask('Hi'),
        user: 'customer-4711',
      });
    const live = await ask4711(recording.fetch);
    const cassette = recording.cassette();
    expect(JSON.stringify(cassette)).not.toContain('customer-4711');
    expect(await ask4711(replayFetch(cassette, { secrets: ['customer-4711'] }))).toEqual(live);
  });
});

describe('recording uploads and downloads', () => {
  it('matches a multipart upload by its fields, and replays binary content byte for byte', async () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const exchange = async (fetch: FetchFunction) => {
      const openai = client(fetch, 'http://simulator.test/v1');
      const file = await openai.files.create({
        file: await toFile(bytes, 'blob.bin'),
        purpose: 'user_data',
      });
      const content = await openai.files.content(file.id);
      return { file, content: new Uint8Array(await content.arrayBuffer()) };
    };
    const recording = recordingFetch({ fetch: createSimulator().fetch });
    const live = await exchange(recording.fetch);
    expect(live.content).toEqual(bytes);
    const cassette = recording.cassette();
    expect(cassette.interactions[0]?.request.body).toContainEqual({
      name: 'purpose',
      value: 'user_data',
    });
    expect(cassette.interactions[1]?.response).toHaveProperty('bodyBase64');
    expect(await exchange(replayFetch(cassette))).toEqual(live);
  });
});

describe('recording a stream', () => {
  it('passes each chunk to the caller as it arrives, not when the stream ends', async () => {
    const encoder = new TextEncoder();
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gatedFetch: FetchFunction = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(encoder.encode('data: first\n\n'));
            await released;
            controller.enqueue(encoder.encode('data: second\n\n'));
            controller.close();
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
    const recording = recordingFetch({ fetch: gatedFetch });
    const response = await recording.fetch('http://upstream.test/v1/events');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The second chunk is held back until the caller has seen the first.
    expect(decoder.decode((await reader.read()).value)).toBe('data: first\n\n');
    release();
    expect(decoder.decode((await reader.read()).value)).toBe('data: second\n\n');
    expect((await reader.read()).done).toBe(true);
    const recorded = recording.cassette().interactions[0]?.response;
    expect(recorded).toMatchObject({
      chunks: [{ data: 'data: first\n\n' }, { data: 'data: second\n\n' }],
    });
  });

  it('keeps a stream that failed midway, and replays the failure after the same chunks', async () => {
    const simulator = createSimulator();
    simulator.faults.enqueue({ kind: 'reset-after-chunks', chunks: 2 });
    const recording = recordingFetch({ fetch: simulator.fetch });
    const liveError = await failure(calls.stream(client(recording.fetch, 'http://sim.test/v1')));
    const cassette = recording.cassette();
    const response = cassette.interactions[0]?.response;
    expect(response && isStreamResponse(response) && response.chunks.length).toBe(2);
    expect(response?.error).toBeDefined();
    const replayError = await failure(calls.stream(client(replayFetch(cassette))));
    expect(replayError).toBeInstanceOf(Error);
    expect(liveError).toBeInstanceOf(Error);
  });
});
