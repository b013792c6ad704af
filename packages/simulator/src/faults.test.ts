import { ManualClock } from '@ply/core/testing';
import OpenAI, { type ClientOptions } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { FaultInjector } from './faults.js';
import type { LoggedRequest } from './request-log.js';
import { type RunningSimulator, startSimulator } from './server.js';
import type { SimulatorOptions } from './simulation.js';
import { createSimulator, type Simulator } from './simulator.js';

const TRANSPORTS = ['http', 'in-process'] as const;
type Transport = (typeof TRANSPORTS)[number];

const CHAT_PATH = '/v1/chat/completions';
const PROMPT = 'one two three four five six';
const CHAT: ChatCompletionCreateParamsNonStreaming = {
  model: 'sim-echo',
  messages: [{ role: 'user', content: PROMPT }],
};
const STREAM: ChatCompletionCreateParamsStreaming = {
  ...CHAT,
  stream: true,
  stream_options: { include_usage: true },
};

/** A simulator and OpenAI clients pointed at it over one transport. */
interface Harness {
  simulator: Simulator;
  client(options?: ClientOptions): OpenAI;
}

function clientFor(transport: Transport, simulator: Simulator, url: string) {
  return (options: ClientOptions = {}) =>
    new OpenAI({
      apiKey: 'test-key',
      maxRetries: 0,
      // The SDK logs malformed chunks through console.error; keep the test output clean.
      logLevel: 'off',
      ...(transport === 'http'
        ? { baseURL: url }
        : { baseURL: 'http://simulator.invalid/v1', fetch: simulator.fetch }),
      ...options,
    });
}

let running: RunningSimulator;
let local: Simulator;

beforeAll(async () => {
  running = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await running.close();
});

beforeEach(() => {
  running.simulator.faults.clear();
  running.simulator.log.clear();
  local = createSimulator();
});

/** The shared simulator of `transport`, with no faults and an empty log. */
function shared(transport: Transport): Harness {
  const simulator = transport === 'http' ? running.simulator : local;
  return { simulator, client: clientFor(transport, simulator, running.url) };
}

/** A simulator of its own (a ManualClock, say), closed when the test ends. */
async function isolated(
  transport: Transport,
  options: SimulatorOptions,
  onFinished: typeof onTestFinished = onTestFinished,
): Promise<Harness> {
  if (transport === 'in-process') {
    const simulator = createSimulator(options);
    return { simulator, client: clientFor(transport, simulator, '') };
  }
  const server = await startSimulator({ ...options, port: 0 });
  onFinished(() => server.close());
  return {
    simulator: server.simulator,
    client: clientFor(transport, server.simulator, server.url),
  };
}

/** What a stream delivered: the content of each choice chunk, whether usage came, how it ended. */
interface Received {
  contents: string[];
  usage: boolean;
  error?: unknown;
}

async function receive(stream: AsyncIterable<ChatCompletionChunk>): Promise<Received> {
  const received: Received = { contents: [], usage: false };
  try {
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice) received.contents.push(choice.delta.content ?? '');
      if (chunk.usage) received.usage = true;
    }
  } catch (error) {
    received.error = error;
  }
  return received;
}

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The HTTP status the SDK reports: 200 for an answer, else the error's. */
async function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error.status;
    throw error;
  }
}

/** One macrotask turn: pending I/O and promise callbacks run. */
/** Polls often, and long enough for a request over loopback on a loaded machine. */
const WAIT = { interval: 1, timeout: 10_000 };
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const lastEntry = (simulator: Simulator): LoggedRequest | undefined => simulator.log.entries.at(-1);

/** The chunks and text of the fault-free stream of STREAM (the echo is deterministic). */
async function cleanStream(harness: Harness): Promise<{ received: Received; total: number }> {
  const received = await receive(await harness.client().chat.completions.create(STREAM));
  const total = lastEntry(harness.simulator)?.chunksSent ?? Number.NaN;
  harness.simulator.log.clear();
  return { received, total };
}

describe.each(TRANSPORTS)('faults before headers (%s)', (transport) => {
  it('rate-limit: RateLimitError 429 with retry-after-ms as injected and retry-after in seconds', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.enqueue({ kind: 'rate-limit', retryAfterMs: 2_500 });
    const error = await rejection(client().chat.completions.create(CHAT));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.status).toBe(429);
    expect(limited.code).toBe('rate_limit_exceeded');
    expect(limited.headers.get('retry-after-ms')).toBe('2500');
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.headers.get('x-request-id')).toBe(lastEntry(simulator)?.requestId);
  });

  it('quota: RateLimitError with code and type insufficient_quota', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.enqueue({ kind: 'quota' });
    const error = await rejection(client().chat.completions.create(CHAT));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      code: 'insufficient_quota',
      type: 'insufficient_quota',
    });
  });

  it('server-error: InternalServerError with each status, in queue order', async () => {
    const { simulator, client } = shared(transport);
    const statuses = [500, 502, 503, 504] as const;
    simulator.faults.enqueue(statuses.map((status) => ({ kind: 'server-error', status })));
    for (const status of statuses) {
      const error = await rejection(client().chat.completions.create(CHAT));
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect(error).toMatchObject({ status, type: 'server_error' });
    }
    await expect(client().chat.completions.create(CHAT)).resolves.toBeDefined();
    expect(simulator.log.entries.map((entry) => entry.status)).toEqual([500, 502, 503, 504, 200]);
  });

  it('server-error without a status is a 500', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.enqueue({ kind: 'server-error' });
    expect(await statusOf(client().chat.completions.create(CHAT))).toBe(500);
  });

  it('reset-before-headers: APIConnectionError, logged with status 0', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.enqueue({ kind: 'reset-before-headers' });
    const error = await rejection(client().chat.completions.create(CHAT));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(lastEntry(simulator)).toMatchObject({ status: 0, fault: 'reset-before-headers' });
  });

  it('reset-before-headers on a stream: the create call itself rejects', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.enqueue({ kind: 'reset-before-headers' });
    const error = await rejection(client().chat.completions.create(STREAM));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('slow-headers: the answer comes only once the clock has advanced', async () => {
    const clock = new ManualClock(1_000_000);
    const { simulator, client } = await isolated(transport, { clock });
    simulator.faults.enqueue({ kind: 'slow-headers', ms: 5_000 });
    let settled = false;
    const answer = client()
      .chat.completions.create(CHAT)
      .finally(() => {
        settled = true;
      });
    await vi.waitFor(() => expect(clock.pendingSleeps).toBe(1), WAIT);
    await clock.advance(4_999);
    await turn();
    expect(settled).toBe(false);
    await clock.advance(1);
    const completion = await answer;
    expect(completion.choices[0]?.message.content).toBe(PROMPT);
    expect(lastEntry(simulator)).toMatchObject({ status: 200, fault: 'slow-headers' });
  });

  it('slow-headers: a client that gives up while waiting is still logged', async () => {
    const clock = new ManualClock(1_000_000);
    const { simulator, client } = await isolated(transport, { clock });
    simulator.faults.enqueue({ kind: 'slow-headers', ms: 5_000 });
    const controller = new AbortController();
    const answer = client().chat.completions.create(CHAT, { signal: controller.signal });
    await vi.waitFor(() => expect(clock.pendingSleeps).toBe(1), WAIT);
    controller.abort();
    await expect(answer).rejects.toBeInstanceOf(Error);
    await vi.waitFor(
      () => expect(lastEntry(simulator)).toMatchObject({ status: 0, fault: 'slow-headers' }),
      WAIT,
    );
  });
});

// The SDK waits ~0.5 s, then ~1 s, before retrying a 5xx without retry-after: these tests run
// concurrently, each on a simulator of its own.
describe.concurrent.each(TRANSPORTS)("the SDK's own retries (%s)", (transport) => {
  it('two queued 500s, then success: exactly 3 attempts logged', async ({
    expect,
    onTestFinished,
  }) => {
    const { simulator, client } = await isolated(transport, {}, onTestFinished);
    simulator.faults.enqueue([{ kind: 'server-error' }, { kind: 'server-error' }]);
    const completion = await client({ maxRetries: 2 }).chat.completions.create(CHAT);
    expect(completion.choices[0]?.message.content).toBe(PROMPT);
    expect(simulator.log.filter(CHAT_PATH).map((entry) => entry.status)).toEqual([500, 500, 200]);
    expect(simulator.faults.pending).toBe(0);
  });

  it('a rule for two 500s on the path: exactly 3 attempts logged', async ({
    expect,
    onTestFinished,
  }) => {
    const { simulator, client } = await isolated(transport, {}, onTestFinished);
    simulator.faults.addRule({ path: CHAT_PATH }, { kind: 'server-error' }, 2);
    await client({ maxRetries: 2 }).chat.completions.create(CHAT);
    const attempts = simulator.log.filter(CHAT_PATH);
    expect(attempts.map((entry) => entry.status)).toEqual([500, 500, 200]);
    expect(attempts.map((entry) => entry.fault)).toEqual([
      'server-error',
      'server-error',
      undefined,
    ]);
  });

  it('429s with retry-after-ms 0 are retried at once; a third one exhausts maxRetries 2', async ({
    expect,
    onTestFinished,
  }) => {
    const { simulator, client } = await isolated(transport, {}, onTestFinished);
    const limited = { kind: 'rate-limit', retryAfterMs: 0 } as const;
    simulator.faults.enqueue([limited, limited]);
    await client({ maxRetries: 2 }).chat.completions.create(CHAT);
    expect(simulator.log.entries.map((entry) => entry.status)).toEqual([429, 429, 200]);

    simulator.log.clear();
    simulator.faults.enqueue([limited, limited, limited]);
    const error = await rejection(client({ maxRetries: 2 }).chat.completions.create(CHAT));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(simulator.log.entries.map((entry) => entry.status)).toEqual([429, 429, 429]);
  });

  it('connection resets before headers are retried too', async ({ expect, onTestFinished }) => {
    const { simulator, client } = await isolated(transport, {}, onTestFinished);
    simulator.faults.enqueue({ kind: 'reset-before-headers' });
    await client({ maxRetries: 1 }).chat.completions.create(CHAT);
    expect(simulator.log.entries.map((entry) => entry.status)).toEqual([0, 200]);
  });
});

describe.each(TRANSPORTS)('faults in the body (%s)', (transport) => {
  it('reset-after-headers on a JSON answer: the body read fails after a 200', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.enqueue({ kind: 'reset-after-headers' });
    // The SDK does not wrap body-read failures: undici's TypeError('terminated') over HTTP,
    // the simulator's Error('read ECONNRESET') in process.
    const error = await rejection(client().chat.completions.create(CHAT));
    expect(error).toBeInstanceOf(Error);
    expect(lastEntry(simulator)).toMatchObject({ status: 200, fault: 'reset-after-headers' });
  });

  it('a fault-free stream delivers every chunk, usage, and the logged outputText', async () => {
    const harness = shared(transport);
    const received = await receive(await harness.client().chat.completions.create(STREAM));
    expect(received.error).toBeUndefined();
    expect(received.usage).toBe(true);
    const entry = lastEntry(harness.simulator);
    expect(received.contents.join('')).toBe(PROMPT);
    expect(entry?.outputText).toBe(received.contents.join(''));
    // Choice chunks (role, one per token, finish) plus the usage chunk.
    expect(entry?.chunksSent).toBe(received.contents.length + 1);
    expect(entry?.fault).toBeUndefined();
  });

  it('reset-after-headers: headers arrive, then iterating rejects before any chunk', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.enqueue({ kind: 'reset-after-headers' });
    const received = await receive(await client().chat.completions.create(STREAM));
    // Observed: TypeError('terminated', cause SocketError 'other side closed') over HTTP,
    // Error('read ECONNRESET') in process; the SDK wraps neither in an APIError.
    expect(received.error).toBeInstanceOf(Error);
    expect(received.contents).toEqual([]);
    expect(received.usage).toBe(false);
    expect(lastEntry(simulator)).toMatchObject({
      status: 200,
      fault: 'reset-after-headers',
      chunksSent: 0,
    });
  });

  it('reset-after-chunks: iterating rejects after the chunks sent', async () => {
    const harness = shared(transport);
    const clean = await cleanStream(harness);
    harness.simulator.faults.enqueue({ kind: 'reset-after-chunks', chunks: 3 });
    const received = await receive(await harness.client().chat.completions.create(STREAM));
    expect(received.error).toBeInstanceOf(Error);
    expect(received.usage).toBe(false);
    expect(lastEntry(harness.simulator)).toMatchObject({
      fault: 'reset-after-chunks',
      chunksSent: 3,
    });
    // The chunks written before the reset reach the client on both transports.
    expect(received.contents).toEqual(clean.received.contents.slice(0, 3));
  });

  it('a stream fault planned past the end still happens, at the end', async () => {
    const harness = shared(transport);
    harness.simulator.faults.enqueue({ kind: 'reset-after-chunks', chunks: 10_000 });
    const received = await receive(await harness.client().chat.completions.create(STREAM));
    expect(received.error).toBeInstanceOf(Error);
  });

  it('a stream fault waits for a stream: a plain request does not use it up', async () => {
    const harness = shared(transport);
    harness.simulator.faults.enqueue({ kind: 'error-event', afterChunks: 1 });
    await harness.client().chat.completions.create({
      model: 'sim-echo',
      messages: [{ role: 'user', content: 'plain' }],
    });
    expect(lastEntry(harness.simulator)?.fault).toBeUndefined();
    const received = await receive(await harness.client().chat.completions.create(STREAM));
    expect(received.error).toBeInstanceOf(OpenAI.APIError);
  });

  it('error-event: the SDK throws an APIError from the error data, after the chunks before it', async () => {
    const harness = shared(transport);
    const clean = await cleanStream(harness);
    harness.simulator.faults.enqueue({ kind: 'error-event', afterChunks: 2 });
    const received = await receive(await harness.client().chat.completions.create(STREAM));
    expect(received.error).toBeInstanceOf(OpenAI.APIError);
    expect(received.error).toMatchObject({ status: undefined, type: 'server_error' });
    expect(received.contents).toEqual(clean.received.contents.slice(0, 2));
    expect(lastEntry(harness.simulator)).toMatchObject({ fault: 'error-event', chunksSent: 2 });
  });

  it('malformed-chunk: the SDK throws a SyntaxError at the broken chunk', async () => {
    const harness = shared(transport);
    const clean = await cleanStream(harness);
    harness.simulator.faults.enqueue({ kind: 'malformed-chunk', afterChunks: 2 });
    const received = await receive(await harness.client().chat.completions.create(STREAM));
    expect(received.error).toBeInstanceOf(SyntaxError);
    expect(received.contents).toEqual(clean.received.contents.slice(0, 2));
    expect(lastEntry(harness.simulator)?.fault).toBe('malformed-chunk');
  });

  it('cut-without-done: the SDK stream ends quietly, short and without usage', async () => {
    const harness = shared(transport);
    const clean = await cleanStream(harness);
    harness.simulator.faults.enqueue({ kind: 'cut-without-done', afterChunks: 2 });
    const received = await receive(await harness.client().chat.completions.create(STREAM));
    expect(received.error).toBeUndefined();
    expect(received.usage).toBe(false);
    expect(received.contents).toEqual(clean.received.contents.slice(0, 2));
    const entry = lastEntry(harness.simulator);
    expect(entry).toMatchObject({ status: 200, fault: 'cut-without-done', chunksSent: 2 });
    expect(entry?.chunksSent).toBeLessThan(clean.total);
  });

  it('stall: the stream pauses until the clock advances, then completes', async () => {
    const clock = new ManualClock(1_000_000);
    const { simulator, client } = await isolated(transport, { clock });
    simulator.faults.enqueue({ kind: 'stall', ms: 30_000, afterChunks: 2 });
    const stream = await client().chat.completions.create(STREAM);
    const iterator = stream[Symbol.asyncIterator]();
    const contents: string[] = [];
    const take = async () => {
      const step = await iterator.next();
      if (step.done) throw new Error('the stream ended early');
      contents.push(step.value.choices[0]?.delta.content ?? '');
    };
    await take();
    await take();
    let settled = false;
    const third = take().finally(() => {
      settled = true;
    });
    await vi.waitFor(() => expect(clock.pendingSleeps).toBe(1), WAIT);
    await clock.advance(29_999);
    await turn();
    expect(settled).toBe(false);
    await clock.advance(1);
    await third;
    const rest = await receive({ [Symbol.asyncIterator]: () => iterator });
    expect(rest.error).toBeUndefined();
    expect(rest.usage).toBe(true);
    expect([...contents, ...rest.contents].join('')).toBe(PROMPT);
    expect(lastEntry(simulator)).toMatchObject({ fault: 'stall', chunksSent: 9 });
  });
});

describe.each(TRANSPORTS)('which requests a fault hits (%s)', (transport) => {
  it('a rule by model hits only that model', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.addRule({ model: 'gpt-4o-mini' }, { kind: 'server-error', status: 503 });
    const openai = client();
    expect(await statusOf(openai.chat.completions.create(CHAT))).toBe(200);
    expect(await statusOf(openai.chat.completions.create({ ...CHAT, model: 'gpt-4o-mini' }))).toBe(
      503,
    );
    expect(await statusOf(openai.chat.completions.create({ ...CHAT, model: 'gpt-4o-mini' }))).toBe(
      503,
    );
    expect(simulator.log.entries.map((entry) => [entry.model, entry.fault])).toEqual([
      ['sim-echo', undefined],
      ['gpt-4o-mini', 'server-error'],
      ['gpt-4o-mini', 'server-error'],
    ]);
  });

  it("a rule by header hits requests carrying it, from the client's defaultHeaders", async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.addRule(
      { header: { name: 'x-test-case', value: 'a' } },
      { kind: 'server-error', status: 502 },
    );
    const caseA = client({ defaultHeaders: { 'x-test-case': 'a' } });
    const caseB = client({ defaultHeaders: { 'x-test-case': 'b' } });
    expect(await statusOf(caseA.chat.completions.create(CHAT))).toBe(502);
    expect(await statusOf(caseB.chat.completions.create(CHAT))).toBe(200);
    expect(await statusOf(client().chat.completions.create(CHAT))).toBe(200);
  });

  it('a rule by header hits requests carrying it per request', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.addRule(
      { header: { name: 'x-test-case', value: 'a' } },
      { kind: 'server-error', status: 504 },
    );
    const openai = client();
    const withHeader = (value: string) =>
      statusOf(openai.chat.completions.create(CHAT, { headers: { 'x-test-case': value } }));
    expect(await withHeader('a')).toBe(504);
    expect(await withHeader('b')).toBe(200);
    expect(await withHeader('a')).toBe(504);
  });

  it('a rule by stream: true hits streams only, before their headers', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.addRule({ stream: true }, { kind: 'quota' });
    const openai = client();
    const error = await rejection(openai.chat.completions.create(STREAM));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ code: 'insufficient_quota' });
    expect(await statusOf(openai.chat.completions.create(CHAT))).toBe(200);
    expect(simulator.log.entries.map((entry) => [entry.stream, entry.status])).toEqual([
      [true, 429],
      [false, 200],
    ]);
  });

  it('a rule by stream: false leaves streams alone', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.addRule({ stream: false }, { kind: 'server-error' });
    const openai = client();
    const received = await receive(await openai.chat.completions.create(STREAM));
    expect(received.contents.join('')).toBe(PROMPT);
    expect(await statusOf(openai.chat.completions.create(CHAT))).toBe(500);
  });

  it('a queued fault with a match waits for a matching request', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults.enqueue({ kind: 'server-error', status: 503 }, { model: 'gpt-4o' });
    const openai = client();
    expect(await statusOf(openai.chat.completions.create(CHAT))).toBe(200);
    expect(await statusOf(openai.chat.completions.create(CHAT))).toBe(200);
    expect(simulator.faults.pending).toBe(1);
    expect(await statusOf(openai.chat.completions.create({ ...CHAT, model: 'gpt-4o' }))).toBe(503);
    expect(simulator.faults.pending).toBe(0);
    expect(await statusOf(openai.chat.completions.create({ ...CHAT, model: 'gpt-4o' }))).toBe(200);
  });

  it('queued faults come before rules, and a rule counts its times down', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults
      .addRule({ path: CHAT_PATH }, { kind: 'server-error', status: 503 }, 2)
      .enqueue({ kind: 'server-error', status: 502 });
    const openai = client();
    const statuses: (number | undefined)[] = [];
    for (let index = 0; index < 4; index++)
      statuses.push(await statusOf(openai.chat.completions.create(CHAT)));
    expect(statuses).toEqual([502, 503, 503, 200]);
  });

  it('a rule must apply at least once', () => {
    const { simulator } = shared(transport);
    expect(() => simulator.faults.addRule({}, { kind: 'quota' }, 0)).toThrow(RangeError);
  });

  it('clear() removes queued faults, rules and random faults', async () => {
    const { simulator, client } = shared(transport);
    simulator.faults
      .enqueue([{ kind: 'quota' }, { kind: 'quota' }])
      .addRule({}, { kind: 'server-error' })
      .setRandom({ seed: 1, rates: { 'server-error': 1 } });
    expect(simulator.faults.pending).toBe(2);
    simulator.faults.clear();
    expect(simulator.faults.pending).toBe(0);
    expect(await statusOf(client().chat.completions.create(CHAT))).toBe(200);
    expect(lastEntry(simulator)?.fault).toBeUndefined();
  });
});

describe('random faults', () => {
  const RATES = { 'server-error': 0.3, 'rate-limit': 0.2 } as const;
  const DRAWS = 200;

  /** The statuses of DRAWS in-process requests to a fresh simulator with random faults. */
  async function statusesFor(seed: number): Promise<(number | undefined)[]> {
    const simulator = createSimulator();
    simulator.faults.setRandom({ seed, rates: RATES });
    const openai = clientFor('in-process', simulator, '')();
    const statuses: (number | undefined)[] = [];
    for (let index = 0; index < DRAWS; index++)
      statuses.push(await statusOf(openai.chat.completions.create(CHAT)));
    expect(simulator.log.entries.map((entry) => entry.status)).toEqual(statuses);
    return statuses;
  }

  const share = (statuses: (number | undefined)[], status: number) =>
    statuses.filter((each) => each === status).length / statuses.length;

  it('replays the same statuses for the same seed and others for another seed', async () => {
    const first = await statusesFor(7);
    expect(await statusesFor(7)).toEqual(first);
    expect(await statusesFor(8)).not.toEqual(first);
  });

  it('draws faults close to their rates', async () => {
    const statuses = await statusesFor(7);
    expect(new Set(statuses)).toEqual(new Set([200, 429, 500]));
    expect(share(statuses, 500)).toBeGreaterThanOrEqual(0.2);
    expect(share(statuses, 500)).toBeLessThanOrEqual(0.4);
    expect(share(statuses, 429)).toBeGreaterThanOrEqual(0.1);
    expect(share(statuses, 429)).toBeLessThanOrEqual(0.3);
  });

  it('uses the given fault parameters and only hits matching requests', async () => {
    const simulator = createSimulator();
    simulator.faults.setRandom({
      seed: 3,
      rates: { 'server-error': 1 },
      faults: { 'server-error': { kind: 'server-error', status: 502 } },
      match: { model: 'gpt-4o' },
    });
    const openai = clientFor('in-process', simulator, '')();
    expect(await statusOf(openai.chat.completions.create({ ...CHAT, model: 'gpt-4o' }))).toBe(502);
    expect(await statusOf(openai.chat.completions.create(CHAT))).toBe(200);
  });

  it('refuses rates adding up to more than 1', () => {
    const faults = new FaultInjector();
    expect(() => faults.setRandom({ seed: 7, rates: { 'server-error': 0.6, quota: 0.5 } })).toThrow(
      RangeError,
    );
    expect(() => faults.setRandom({ seed: 7, rates: { 'server-error': 1.01 } })).toThrow(
      RangeError,
    );
    expect(() =>
      faults.setRandom({ seed: 7, rates: { 'server-error': 0.5, quota: 0.5 } }),
    ).not.toThrow();
  });
});

describe.each(TRANSPORTS)('the request log (%s)', (transport) => {
  it('records every request with its status, fault, chunks and output', async () => {
    const { simulator, client } = shared(transport);
    const openai = client();
    await openai.chat.completions.create(CHAT);
    simulator.faults.enqueue([
      { kind: 'reset-before-headers' },
      { kind: 'rate-limit', retryAfterMs: 0 },
    ]);
    await rejection(openai.chat.completions.create(CHAT));
    await rejection(openai.chat.completions.create(CHAT));
    const complete = await receive(await openai.chat.completions.create(STREAM));
    simulator.faults.enqueue({ kind: 'cut-without-done', afterChunks: 4 });
    const cut = await receive(await openai.chat.completions.create(STREAM));
    await rejection(openai.chat.completions.create({ ...CHAT, model: 'no-such-model' }));

    const entries = simulator.log.entries;
    // Sequence numbers go on across log.clear(): consecutive, not necessarily from 1.
    const first = entries[0]?.sequence ?? Number.NaN;
    expect(entries.map((entry) => entry.sequence - first)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(
      entries.map(({ status, fault, stream, chunksSent }) => ({
        status,
        fault,
        stream,
        chunksSent,
      })),
    ).toEqual([
      { status: 200, fault: undefined, stream: false, chunksSent: undefined },
      { status: 0, fault: 'reset-before-headers', stream: false, chunksSent: undefined },
      { status: 429, fault: 'rate-limit', stream: false, chunksSent: undefined },
      { status: 200, fault: undefined, stream: true, chunksSent: complete.contents.length + 1 },
      { status: 200, fault: 'cut-without-done', stream: true, chunksSent: 4 },
      { status: 404, fault: undefined, stream: false, chunksSent: undefined },
    ]);
    expect(entries[0]?.outputText).toBe(PROMPT);
    expect(entries[3]?.outputText).toBe(complete.contents.join(''));
    // The log keeps what was generated; the cut stream delivered only its first chunks.
    expect(cut.contents.join('')).not.toBe(entries[4]?.outputText);
    expect(entries.every((entry) => entry.method === 'POST' && entry.path === CHAT_PATH)).toBe(
      true,
    );
    expect(simulator.log.filter(CHAT_PATH, 'sim-echo')).toHaveLength(5);
    expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(6);
  });
});
