import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from '../gateway/gateway.test-support.js';
import {
  plantedKey,
  startKeyEchoingUpstream,
} from '../testing/key-echoing-upstream.test-support.js';
import {
  metricValue,
  parsePrometheus,
  scrape,
  scrapeSettled,
} from './observability.test-support.js';

const gateways: GatewayFixture[] = [];
async function start(options: Parameters<typeof startGateway>[0] = {}): Promise<GatewayFixture> {
  const gateway = await startGateway(options);
  gateways.push(gateway);
  return gateway;
}
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

const MODEL = 'simulator:gpt-4o-mini';
const USER = [{ role: 'user' as const, content: 'Count these words for the metrics test.' }];

describe('GET /metrics', () => {
  it('is Prometheus text with every gateway metric, at zero before any call', async () => {
    const gateway = await start();
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    for (const name of [
      'ply_gateway_requests_total',
      'ply_gateway_request_duration_seconds',
      'ply_gateway_time_to_first_token_seconds',
      'ply_gateway_tokens_total',
      'ply_gateway_cost_usd_total',
      'ply_gateway_upstream_attempts_total',
      'ply_gateway_retries_total',
      'ply_gateway_upstream_errors_total',
      'ply_gateway_refusals_total',
      'ply_gateway_in_flight_requests',
      'ply_gateway_cache_lookups_total',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    const samples = parsePrometheus(text);
    // The cache series exist at 0 until a cache layer answers.
    expect(
      samples.filter((sample) => sample.name === 'ply_gateway_cache_lookups_total'),
    ).toHaveLength(4);
    expect(metricValue(samples, 'ply_gateway_cache_lookups_total')).toBe(0);
    expect(metricValue(samples, 'ply_gateway_requests_total')).toBe(0);
  });

  it('counts a plain and a streamed call exactly: requests, tokens, cost, attempts, latency, first token', async () => {
    const gateway = await start();
    const client = gateway.client();
    await client.chat.completions.create({ model: MODEL, messages: USER });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: USER,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _chunk of stream) {
      // read to the end
    }
    const samples = await scrapeSettled(gateway, 2);
    const model = { model: MODEL };
    expect(
      metricValue(samples, 'ply_gateway_requests_total', {
        route: 'chat',
        ...model,
        status: '200',
      }),
    ).toBe(2);
    const upstream = gateway.stack.simulator.log.filter('/v1/chat/completions');
    expect(upstream).toHaveLength(2);
    const sum = (pick: (usage: Record<string, number>) => number) =>
      upstream.reduce((total, entry) => total + pick(entry.usage as Record<string, number>), 0);
    expect(metricValue(samples, 'ply_gateway_tokens_total', { ...model, type: 'input' })).toBe(
      sum((usage) => usage.prompt_tokens ?? 0),
    );
    expect(metricValue(samples, 'ply_gateway_tokens_total', { ...model, type: 'output' })).toBe(
      sum((usage) => usage.completion_tokens ?? 0),
    );
    expect(
      metricValue(samples, 'ply_gateway_tokens_total', { ...model, type: 'cached_input' }),
    ).toBe(0);
    const spent = gateway.stack.ledger
      .entries()
      .reduce((total, entry) => total + (entry.cost.amount ?? 0), 0);
    expect(spent).toBeGreaterThan(0);
    expect(metricValue(samples, 'ply_gateway_cost_usd_total', model)).toBeCloseTo(spent, 12);
    expect(metricValue(samples, 'ply_gateway_upstream_attempts_total', model)).toBe(2);
    expect(metricValue(samples, 'ply_gateway_retries_total')).toBe(0);
    expect(metricValue(samples, 'ply_gateway_request_duration_seconds_count', model)).toBe(2);
    // Only the stream has a first token.
    expect(metricValue(samples, 'ply_gateway_time_to_first_token_seconds_count', model)).toBe(1);
    expect(metricValue(samples, 'ply_gateway_in_flight_requests')).toBe(0);
    expect(metricValue(samples, 'ply_gateway_upstream_errors_total')).toBe(0);
  });

  it('counts a retried call once, with both attempts and the retried failure by its code', async () => {
    const gateway = await start();
    gateway.stack.simulator.faults.enqueue({ kind: 'rate-limit', retryAfterMs: 20 });
    await gateway.client().chat.completions.create({ model: MODEL, messages: USER });
    const samples = await scrapeSettled(gateway, 1);
    expect(metricValue(samples, 'ply_gateway_requests_total', { status: '200' })).toBe(1);
    expect(metricValue(samples, 'ply_gateway_upstream_attempts_total', { model: MODEL })).toBe(2);
    expect(metricValue(samples, 'ply_gateway_retries_total', { model: MODEL })).toBe(1);
    expect(
      metricValue(samples, 'ply_gateway_upstream_errors_total', {
        model: MODEL,
        code: 'rate_limited',
      }),
    ).toBe(1);
  });

  it('counts a failed call under its status and its typed code', async () => {
    const gateway = await start();
    gateway.stack.simulator.faults.enqueue({ kind: 'quota' });
    const response = await gateway.post('/chat/completions', { model: MODEL, messages: USER });
    expect(response.status).toBe(429);
    const samples = await scrapeSettled(gateway, 1);
    expect(
      metricValue(samples, 'ply_gateway_requests_total', {
        route: 'chat',
        model: MODEL,
        status: '429',
      }),
    ).toBe(1);
    expect(
      metricValue(samples, 'ply_gateway_upstream_errors_total', {
        model: MODEL,
        code: 'quota_exhausted',
      }),
    ).toBe(1);
    expect(metricValue(samples, 'ply_gateway_upstream_attempts_total')).toBe(1);
    expect(metricValue(samples, 'ply_gateway_refusals_total')).toBe(0);
  });

  it('counts a budget refusal as a refusal, not an upstream error, with no attempt', async () => {
    const gateway = await start({ config: { budget: { limit: 0.000_000_1, softThresholds: [] } } });
    const response = await gateway.post('/chat/completions', { model: MODEL, messages: USER });
    expect(response.status).toBe(429);
    const samples = await scrapeSettled(gateway, 1);
    expect(
      metricValue(samples, 'ply_gateway_refusals_total', { model: MODEL, reason: 'budget' }),
    ).toBe(1);
    expect(metricValue(samples, 'ply_gateway_upstream_errors_total')).toBe(0);
    expect(metricValue(samples, 'ply_gateway_upstream_attempts_total')).toBe(0);
  });

  it('counts embeddings and models under their routes', async () => {
    const gateway = await start();
    await gateway.client().embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    await gateway.client().models.list();
    const samples = await scrapeSettled(gateway, 2);
    expect(
      metricValue(samples, 'ply_gateway_requests_total', {
        route: 'embeddings',
        model: 'simulator:text-embedding-3-small',
        status: '200',
      }),
    ).toBe(1);
    expect(
      metricValue(samples, 'ply_gateway_tokens_total', {
        model: 'simulator:text-embedding-3-small',
        type: 'input',
      }),
    ).toBeGreaterThan(0);
    expect(metricValue(samples, 'ply_gateway_requests_total', { route: 'models' })).toBe(1);
  });

  it('keeps the model label bounded: catalogue ids, a capped set of safe names, never a key', async () => {
    const gateway = await start();
    const key = `sk-proj-${'a1B2c3D4'.repeat(4)}`;
    const models = [
      'gpt-4o-mini-2024-07-18',
      'ft:gpt-4o-mini:acme::abc123',
      key,
      'has spaces and "quotes"',
      // Fails upstream: a name no upstream answered to never becomes a label.
      'nowhere-model-that-fails',
      // Names the catalogue does not know, which the simulator answers as its sim-tools.
      ...Array.from({ length: 60 }, (_, index) => `ft:sim-tools:acme::${index}`),
    ];
    gateway.stack.simulator.faults.addRule(
      { model: 'nowhere-model-that-fails' },
      { kind: 'quota' },
    );
    for (const model of models) {
      // Answered or refused (the simulator knows no such snapshot), each is counted.
      await (await gateway.post('/chat/completions', { model, messages: USER })).text();
    }
    const response = await fetch(`${gateway.url}/metrics`);
    const text = await response.text();
    expect(text).not.toContain(key);
    expect(text).not.toContain('spaces');
    const samples = parsePrometheus(text);
    const labels = new Set(
      samples
        .filter((sample) => sample.name === 'ply_gateway_requests_total')
        .map((sample) => sample.labels.model),
    );
    // Snapshots and fine-tunes fold into their catalogue family.
    expect(labels).toContain('simulator:gpt-4o-mini');
    expect(labels).toContain('simulator:other');
    expect(labels).toContain('simulator:ft:sim-tools:acme::0');
    expect(labels).not.toContain('simulator:nowhere-model-that-fails');
    expect(labels.size).toBeLessThanOrEqual(52);
    expect(metricValue(samples, 'ply_gateway_requests_total')).toBe(models.length);
  });

  it('never shows a provider key, even one the upstream quotes back', async () => {
    const key = plantedKey();
    const echo = await startKeyEchoingUpstream();
    try {
      const gateway = await start({
        config: {
          providers: [
            { id: 'simulator', kind: 'simulator' },
            { id: 'echo', kind: 'openai', apiKey: key, baseURL: echo.url },
          ],
        },
      });
      const failed = await gateway.post('/chat/completions', {
        model: 'echo:gpt-4o-mini',
        messages: USER,
      });
      expect(failed.status).toBe(401);
      expect(echo.keysSeen).toContain(key);
      await scrapeSettled(gateway, 1);
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(text).toContain('code="authentication"');
      expect(text).not.toContain(key);
    } finally {
      await echo.close();
    }
  });

  it('needs the gateway key when the server has one', async () => {
    const gateway = await start({ gatewayKey: 'gateway-secret-for-metrics' });
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
    const samples = await scrape(gateway, {
      headers: { authorization: 'Bearer gateway-secret-for-metrics' },
    });
    expect(metricValue(samples, 'ply_gateway_requests_total')).toBe(0);
  });

  it('counts each gateway in its own registry', async () => {
    const first = await start();
    const second = await start();
    await first.client().chat.completions.create({ model: MODEL, messages: USER });
    expect(metricValue(await scrapeSettled(first, 1), 'ply_gateway_requests_total')).toBe(1);
    expect(metricValue(await scrape(second), 'ply_gateway_requests_total')).toBe(0);
  });
});
