import { startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnvironment } from '../config/playground-config.js';
import { plantedKey } from '../testing/key-echoing-upstream.test-support.js';
import {
  type Json,
  postJson,
  readEvents,
  startTestPlayground,
  type TestPlayground,
} from './ui.test-support.js';

describe('GET /api/state and /api/models', () => {
  const key = plantedKey();
  let upstream: Awaited<ReturnType<typeof startSimulator>>;
  let playground: TestPlayground;
  beforeAll(async () => {
    // A second, "real" provider holding a key: a loopback simulator stands in for OpenAI.
    upstream = await startSimulator({ port: 0 });
    const config = configFromEnvironment({ OPENAI_API_KEY: key, OPENAI_BASE_URL: upstream.url });
    playground = await startTestPlayground({
      providers: config.providers,
      defaultTarget: config.defaultTarget,
      budget: { limit: 2, softThresholds: [0.5, 0.8] },
    });
  });
  afterAll(async () => {
    await playground.close();
    await upstream.close();
  });
  const state = async (query = '') => {
    const response = await fetch(`${playground.url}/api/state${query}`);
    return {
      text: await response.clone().text(),
      body: (await response.json()) as Json,
    };
  };

  it('reports the budget, an empty session, headroom per provider and no keys', async () => {
    const { text, body } = await state('?target=simulator:gpt-4o-mini');
    expect(body.budget).toEqual({
      limit: 2,
      softThresholds: [0.5, 0.8],
      committed: 0,
      remaining: 2,
    });
    expect(body.session).toMatchObject({ calls: 0, cost: 0 });
    expect(body.providers.map((provider: { id: string }) => provider.id)).toEqual([
      'simulator',
      'openai',
    ]);
    expect(body.headroom[0]).toMatchObject({
      provider: 'simulator',
      requests: { limit: 500, remaining: 500 },
      tokens: { limit: 200_000 },
      active: 0,
      queued: 0,
    });
    expect(body.circuits).toEqual([
      expect.objectContaining({ key: 'http://simulator.invalid/v1|gpt-4o-mini', state: 'closed' }),
    ]);
    expect(body.faults).toEqual({ always: [], pending: 0 });
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/sk-[A-Za-z0-9]/);
  });

  it('counts a call in the session total, the budget and the limiter headroom', async () => {
    const response = await postJson(`${playground.url}/api/chat`, {
      target: 'openai:gpt-4o-mini',
      request: { messages: [{ role: 'user', content: 'Count me' }] },
    });
    const events = await readEvents(response);
    const result = events.find((event) => event.type === 'result') as Json;
    expect(JSON.stringify(events)).not.toContain(key);
    const { body } = await state();
    expect(body.session.calls).toBe(1);
    expect(body.session.cost).toBeCloseTo(result.result.cost.amount, 12);
    expect(body.budget.committed).toBeCloseTo(result.result.cost.amount, 12);
    const openai = body.headroom.find((entry: { provider: string }) => entry.provider === 'openai');
    expect(openai.requests.remaining).toBe(499);
    expect(openai.requests.serverRemaining).toBeGreaterThan(0);
    expect(body.circuits.map((circuit: { key: string }) => circuit.key)).toContain(
      `${upstream.url}|gpt-4o-mini`,
    );
  });

  it('lists models as provider:model ids for the picker, without keys', async () => {
    const response = await fetch(`${playground.url}/api/models`);
    const text = await response.text();
    const body = JSON.parse(text) as {
      defaultTarget: string;
      providers: Array<{ id: string; targets: Array<{ id: string }> }>;
    };
    expect(body.defaultTarget).toBe('openai:gpt-4o-mini');
    const simulator = body.providers.find((provider) => provider.id === 'simulator');
    expect(simulator?.targets.map((target) => target.id)).toEqual(
      expect.arrayContaining([
        'simulator:gpt-4o-mini',
        'simulator:sim-tools',
        'simulator:sim-json',
      ]),
    );
    expect(simulator?.targets.map((target) => target.id)).not.toContain(
      'simulator:text-embedding-3-small',
    );
    expect(text).not.toContain(key);
  });
});
