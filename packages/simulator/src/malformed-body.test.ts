// The malformed-body fault over loopback HTTP: a 200 whose body is not the endpoint's JSON.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MalformedBodyShape } from './faults.js';
import { type RunningSimulator, startSimulator } from './server.js';

let running: RunningSimulator;

beforeAll(async () => {
  running = await startSimulator({ port: 0 });
});
afterAll(() => running.close());
beforeEach(() => {
  running.simulator.faults.clear();
});

const ENDPOINTS = {
  chat: {
    path: '/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    field: 'choices',
  },
  embeddings: {
    path: '/embeddings',
    body: { model: 'text-embedding-3-small', input: ['hi'] },
    field: 'data',
  },
  'models list': { path: '/models', body: undefined, field: 'data' },
  'model retrieve': { path: '/models/gpt-4o-mini', body: undefined, field: 'id' },
} as const;

async function call(endpoint: keyof typeof ENDPOINTS, extra: object = {}) {
  const { path, body } = ENDPOINTS[endpoint];
  const response = await fetch(`${running.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify({ ...body, ...extra }) } : {}),
  });
  return { response, text: await response.text() };
}

const isJSON = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe.each(Object.keys(ENDPOINTS) as (keyof typeof ENDPOINTS)[])(
  'malformed-body on %s',
  (endpoint) => {
    const enqueue = (shape: MalformedBodyShape) =>
      running.simulator.faults.enqueue({ kind: 'malformed-body', shape });

    it('truncated-json: a 200 application/json body cut before its end', async () => {
      enqueue('truncated-json');
      const { response, text } = await call(endpoint);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(isJSON(text)).toBe(false);
      expect(text).toMatch(/^\{\n {2}"/);
      expect(running.simulator.log.entries.at(-1)?.fault).toBe('malformed-body');
    });

    it('event-stream: the answer as SSE data frames, for a request that did not stream', async () => {
      enqueue('event-stream');
      const { response, text } = await call(endpoint);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(text).toMatch(/^data: \{.*\}\n\ndata: \[DONE\]\n\n$/s);
    });

    it("wrong-shape: a JSON object with none of the endpoint's fields", async () => {
      enqueue('wrong-shape');
      const { response, text } = await call(endpoint);
      expect(response.status).toBe(200);
      const value = JSON.parse(text) as Record<string, unknown>;
      expect(value).not.toHaveProperty(ENDPOINTS[endpoint].field);
    });
  },
);

describe('malformed-body', () => {
  it('without a shape, takes each shape in turn', async () => {
    running.simulator.faults.addRule({ path: '/v1/models' }, { kind: 'malformed-body' }, 3);
    const types = [];
    for (let index = 0; index < 3; index++) {
      const { response, text } = await call('models list');
      types.push(
        response.headers.get('content-type')?.startsWith('text/event-stream')
          ? 'event-stream'
          : isJSON(text)
            ? 'wrong-shape'
            : 'truncated-json',
      );
    }
    expect(types.sort()).toEqual(['event-stream', 'truncated-json', 'wrong-shape']);
  });

  it('waits for a request that does not stream: a stream does not use it up', async () => {
    running.simulator.faults.enqueue({ kind: 'malformed-body', shape: 'wrong-shape' });
    const streamed = await call('chat', { stream: true });
    expect(streamed.text).toContain('data: [DONE]');
    expect(running.simulator.faults.pending).toBe(1);
    const plain = await call('chat');
    expect(JSON.parse(plain.text)).not.toHaveProperty('choices');
  });

  it('leaves an error answer as it is', async () => {
    running.simulator.faults.enqueue({ kind: 'malformed-body', shape: 'truncated-json' });
    const { response, text } = await call('chat', { model: 'gpt-imaginary' });
    expect(response.status).toBe(404);
    expect(JSON.parse(text)).toHaveProperty('error.code', 'model_not_found');
  });
});
