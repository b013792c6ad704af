import { startSimulator } from '@ply/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnvironment, type PlaygroundConfig } from '../config/playground-config.js';
import { CallTrace, type TimedTraceRecord } from './call-trace.js';
import {
  createPlaygroundStack,
  type PlaygroundStack,
  SIMULATOR_BASE_URL,
} from './playground-stack.js';

const quick: Partial<PlaygroundConfig> = {
  simulatorPace: { firstTokenDelayMs: 0, tokenDelayMs: 0 },
  retry: { maxAttempts: 3, baseDelayMs: 1, deadlineMs: 10_000 },
};
const hello = { messages: [{ role: 'user' as const, content: 'Hello, inspector' }] };

let stacks: PlaygroundStack[] = [];
function stackFor(config: PlaygroundConfig): PlaygroundStack {
  const stack = createPlaygroundStack({ ...config, ...quick });
  stacks.push(stack);
  return stack;
}
afterEach(async () => {
  await Promise.all(stacks.map((stack) => stack.dispose()));
  stacks = [];
});

async function streamTraced(stack: PlaygroundStack, target: string) {
  const trace = new CallTrace();
  const text = await trace.run(async () => {
    let answer = '';
    for await (const event of stack.registry.stream(target, hello)) {
      if (event.type === 'text-delta') answer += event.delta;
    }
    return answer;
  });
  return { trace, text };
}

const ofType = <T extends TimedTraceRecord['type']>(records: TimedTraceRecord[], type: T) =>
  records.filter(
    (record): record is Extract<TimedTraceRecord, { type: T }> => record.type === type,
  );

describe('the playground stack', () => {
  it('traces a streamed call: the request as sent, the headers, every chunk as received', async () => {
    const stack = stackFor(configFromEnvironment({}));
    const { trace, text } = await streamTraced(stack, 'simulator:gpt-4o-mini');
    expect(text).toBe('Hello, inspector');

    const [request] = ofType(trace.records, 'request');
    expect(request?.url).toBe(`${SIMULATOR_BASE_URL}/chat/completions`);
    expect(request?.body).toMatchObject({ model: 'gpt-4o-mini', stream: true, ...hello });
    expect(request?.headers.authorization).toBe('[redacted]');

    const [response] = ofType(trace.records, 'response');
    const logged = stack.simulator.log.entries[0];
    expect(response?.headers['x-request-id']).toMatch(/^req_/);
    expect(response?.headers['x-ratelimit-remaining-requests']).toBeDefined();

    const chunks = ofType(trace.records, 'chunk').map((record) => record.data);
    expect(chunks.at(-1)).toBe('[DONE]');
    const deltas = chunks
      .slice(0, -1)
      .map((data) => JSON.parse(data).choices[0]?.delta?.content ?? '')
      .join('');
    expect(deltas).toBe(text);
    expect(logged?.status).toBe(200);
  });

  it('puts every retry, with its reason and delay, in the trace of the call it belongs to', async () => {
    const stack = stackFor(configFromEnvironment({}));
    stack.simulator.faults.enqueue({ kind: 'rate-limit', retryAfterMs: 5 });
    const { trace } = await streamTraced(stack, 'simulator:gpt-4o-mini');
    const statuses = ofType(trace.records, 'response').map((record) => record.status);
    expect(statuses).toEqual([429, 200]);
    const retries = ofType(trace.records, 'resilience')
      .map((record) => record.event)
      .filter((event) => event.type === 'retry-scheduled');
    expect(retries).toEqual([expect.objectContaining({ attempt: 1, code: 'rate_limited' })]);
    expect(ofType(trace.records, 'body')[0]?.body).toContain('rate_limit_exceeded');

    // A call outside any trace records nothing in this one.
    const before = trace.records.length;
    await stack.registry.complete('simulator:gpt-4o-mini', hello);
    expect(trace.records.length).toBe(before);
  });

  it('prices each call into the ledger and the session budget', async () => {
    const stack = stackFor(configFromEnvironment({}));
    const result = await stack.registry.complete('simulator:gpt-4o-mini', hello);
    expect(result.cost?.amount).toBeGreaterThan(0);
    expect(stack.ledger.totalCost()).toBe(result.cost?.amount);
    const [global] = await stack.budget.status();
    expect(global?.spent).toBeCloseTo(result.cost?.amount ?? Number.NaN, 12);
  });

  it('reports the limiter headroom a call used, and what the server said is left', async () => {
    const stack = stackFor(configFromEnvironment({}));
    const before = await stack.headroom(SIMULATOR_BASE_URL);
    expect(before.requests.remaining).toBe(before.requests.limit);
    await stack.registry.complete('simulator:gpt-4o-mini', hello);
    const after = await stack.headroom(SIMULATOR_BASE_URL);
    expect(after.requests.remaining).toBe(before.requests.limit - 1);
    expect(after.tokens.remaining).toBeLessThan(before.tokens.limit);
    // The simulator allows 10,000 requests a minute per key.
    expect(after.requests.serverRemaining).toBe(9_999);
  });

  it('keeps a real provider key out of every trace record', async () => {
    const running = await startSimulator({ port: 0 });
    try {
      const key = ['planted', 'playground', 'key', 'abcdef0123456789'].join('-');
      const stack = stackFor({
        ...configFromEnvironment({ OPENAI_API_KEY: key, OPENAI_BASE_URL: running.url }),
      });
      running.simulator.faults.enqueue({ kind: 'server-error', status: 500 });
      const { trace, text } = await streamTraced(stack, 'openai:gpt-4o-mini');
      expect(text).toBe('Hello, inspector');
      expect(running.simulator.log.entries).toHaveLength(2);
      expect(JSON.stringify(trace.records)).not.toContain(key);
      expect(JSON.stringify(trace.records)).not.toContain('abcdef0123456789');
    } finally {
      await running.close();
    }
  });
});
