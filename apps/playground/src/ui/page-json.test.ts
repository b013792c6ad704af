import { randomBytes } from 'node:crypto';
import { startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnvironment } from '../config/playground-config.js';
import {
  ECHO_PARTIAL_TEXT,
  type KeyEchoingUpstream,
  plantedKey,
  startKeyEchoingUpstream,
} from '../testing/key-echoing-upstream.test-support.js';
import { pageJson } from './page-json.js';
import {
  type Json,
  postJson,
  readEvents,
  startTestPlayground,
  type TestPlayground,
} from './ui.test-support.js';

describe('pageJson', () => {
  it('masks a secret in values and keys, even one holding characters JSON escapes', () => {
    const secret = `quote"and\\slash-${randomBytes(4).toString('hex')}`;
    const text = pageJson({ message: `upstream said ${secret}`, [secret]: [secret] }, [secret]);
    expect(JSON.parse(text)).toEqual({
      message: 'upstream said [redacted]',
      '[redacted]': ['[redacted]'],
    });
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
  });

  it('follows core: secrets under four characters are left alone, sk- shaped text is masked', () => {
    const keyShaped = ['sk', 'proj', randomBytes(12).toString('hex')].join('-');
    const value = { attempt: 1, status: 401, text: `1 + 1; ${keyShaped}` };
    const text = pageJson(value, ['1']);
    expect(JSON.parse(text)).toEqual({ ...value, text: '1 + 1; sk-[redacted]' });
  });
});

describe('what reaches the page, with a one-character key (as Ollama and vLLM users set)', () => {
  let upstream: Awaited<ReturnType<typeof startSimulator>>;
  let playground: TestPlayground;
  beforeAll(async () => {
    upstream = await startSimulator({ port: 0 });
    const config = configFromEnvironment({ OPENAI_API_KEY: '1', OPENAI_BASE_URL: upstream.url });
    playground = await startTestPlayground({ providers: config.providers });
  });
  afterAll(async () => {
    await playground.close();
    await upstream.close();
  });

  it('every /api/chat event and /api/state stay valid JSON, digits and all', async () => {
    const prompt = 'Count 1, 10 and 100';
    const response = await postJson(`${playground.url}/api/chat`, {
      target: 'openai:gpt-4o-mini',
      request: { messages: [{ role: 'user', content: prompt }] },
    });
    const events = (await readEvents(response)) as Json[];
    expect(events.filter((event) => event.type === 'trace').length).toBeGreaterThan(3);
    const result = events.find((event) => event.type === 'result');
    expect(result?.result.text).toBe(prompt);
    expect(result?.attempts).toBe(1);

    const state = (await (await fetch(`${playground.url}/api/state`)).json()) as Json;
    expect(state.session.calls).toBe(1);
  });
});

describe('what reaches the page, when an upstream quotes the key back', () => {
  const key = plantedKey();
  let echo: KeyEchoingUpstream;
  let playground: TestPlayground;
  beforeAll(async () => {
    echo = await startKeyEchoingUpstream();
    playground = await startTestPlayground({
      providers: [
        { id: 'simulator', kind: 'simulator' },
        { id: 'echo', kind: 'openai', apiKey: key, baseURL: echo.url },
      ],
    });
  });
  afterAll(async () => {
    await playground.close();
    await echo.close();
  });
  const chat = async (stream: boolean) => {
    const response = await postJson(`${playground.url}/api/chat`, {
      target: 'echo:gpt-4o-mini',
      stream,
      request: { messages: [{ role: 'user', content: 'Hello' }] },
    });
    const text = await response.text();
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('data: '))
      .map((block) => JSON.parse(block.slice('data: '.length)) as Json);
    return { text, events, failure: events.find((event) => event.type === 'error') };
  };

  it('a plain call: /api/chat shows the typed 401, its trace and message masked', async () => {
    const { text, failure } = await chat(false);
    expect(echo.keysSeen).toContain(key);
    expect(failure?.error).toMatchObject({ code: 'authentication', status: 401 });
    expect(failure?.error.message).toContain('Incorrect API key provided: [redacted]');
    expect(text).not.toContain(key);
  });

  it('a stream: /api/chat shows the partial text and the typed interruption, masked', async () => {
    const { text, events, failure } = await chat(true);
    const deltas = events.filter((event) => event.type === 'event');
    expect(deltas.map((event) => event.event.delta).join('')).toBe(ECHO_PARTIAL_TEXT);
    expect(failure?.error).toMatchObject({
      code: 'stream_interrupted',
      partialText: ECHO_PARTIAL_TEXT,
    });
    expect(failure?.error.message).toContain('[redacted]');
    expect(text).not.toContain(key);
  });

  it('/api/state and /api/models name the failing provider without its key', async () => {
    const state = await (await fetch(`${playground.url}/api/state?target=echo:gpt-4o-mini`)).text();
    expect(JSON.parse(state).providers.map((provider: Json) => provider.id)).toContain('echo');
    expect(state).not.toContain(key);

    const models = await (await fetch(`${playground.url}/api/models`)).text();
    const echoed = JSON.parse(models).providers.find((provider: Json) => provider.id === 'echo');
    expect(echoed.error).toMatchObject({ code: 'authentication' });
    expect(echoed.error.message).toContain('[redacted]');
    expect(models).not.toContain(key);
  });
});
