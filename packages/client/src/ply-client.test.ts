import { ConfigurationError, ProviderNotFoundError } from '@ply/core';
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlyEvent } from './client-options.js';
import { createPlyClient } from './ply-client.js';

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

let simulator: RunningSimulator;
let backup: RunningSimulator;
beforeEach(async () => {
  simulator = await startSimulator({ port: 0 });
  backup = await startSimulator({ port: 0 });
});
afterEach(async () => {
  await simulator.close();
  await backup.close();
});

const chats = (server: RunningSimulator) => server.simulator.log.filter('/v1/chat/completions');

describe('createPlyClient', () => {
  it('runs the simplest production program: a bare model, priced, recorded, budgeted', async () => {
    const ply = createPlyClient({
      providers: { openai: { apiKey: 'test-key', baseURL: simulator.url } },
      limits: { rpm: 500, tpm: 200_000 },
      budget: { limit: 50, period: 'monthly' },
    });
    const answer = await ply.complete('gpt-4o-mini', ask('Hello, ply!'));
    expect(answer.text).toBe('Hello, ply!');
    expect(answer.cost?.amount).toBeGreaterThan(0);
    expect(ply.ledger?.entries()).toMatchObject([{ provider: 'openai', model: 'gpt-4o-mini' }]);
    const [status] = (await ply.budget?.status()) ?? [];
    expect(status?.spent).toBeCloseTo(answer.cost?.amount ?? Number.NaN, 12);
    await ply.dispose();
  });

  it('refuses bad input before the network, naming the field', async () => {
    const ply = createPlyClient({
      providers: { openai: { apiKey: 'test-key', baseURL: simulator.url } },
    });
    await expect(ply.complete('gpt-4o-mini', { messages: 'hi' } as never)).rejects.toMatchObject({
      code: 'invalid_request',
      field: 'messages',
    });
    expect(chats(simulator)).toHaveLength(0);
  });

  it('retries a server error under one budget reservation and one ledger entry', async () => {
    const events: PlyEvent[] = [];
    const ply = createPlyClient({
      providers: { openai: { apiKey: 'test-key', baseURL: simulator.url } },
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
      budget: { limit: 1 },
      onEvent: (event) => events.push(event),
    });
    simulator.simulator.faults.enqueue({ kind: 'server-error', status: 503 });
    await ply.complete('openai:gpt-4o-mini', ask('again'));
    expect(chats(simulator)).toHaveLength(2);
    expect(ply.ledger?.entries()).toHaveLength(1);
    const kinds = events.map(({ event }) => event.type);
    expect(kinds.filter((kind) => kind === 'budget-reserved')).toHaveLength(1);
    expect(kinds).toContain('retry-scheduled');
  });

  it('falls back to another provider once retrying failed, under the same policies', async () => {
    const ply = createPlyClient({
      providers: {
        openai: { apiKey: 'test-key', baseURL: simulator.url },
        backup: { apiKey: 'backup-key', baseURL: backup.url },
      },
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      fallback: { openai: ['backup:gpt-4o'] },
    });
    simulator.simulator.faults.addRule(
      { model: 'gpt-4o-mini' },
      { kind: 'server-error', status: 500 },
    );
    const answer = await ply.complete('gpt-4o-mini', ask('elsewhere'));
    expect(answer.model).toBe('gpt-4o');
    expect(chats(simulator)).toHaveLength(2);
    // Retried there too, through the same retry policy; one ledger entry for the call.
    expect(chats(backup)).toHaveLength(1);
    expect(ply.ledger?.entries()).toMatchObject([{ provider: 'backup', model: 'gpt-4o' }]);
  });

  it('streams with the cost after the usage, and the limiter and budget settled', async () => {
    const ply = createPlyClient({
      providers: { openai: { apiKey: 'test-key', baseURL: simulator.url } },
      limits: { rpm: 100, tpm: 100_000 },
      budget: { limit: 1 },
    });
    const stream = ply.stream('gpt-4o-mini', ask('one two three'));
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.indexOf('cost')).toBe(types.indexOf('usage') + 1);
    const result = await stream.result;
    expect(result.text).toBe('one two three');
    expect(result.cost?.amount).toBeGreaterThan(0);
    expect(ply.limiter?.active(ply.resolve('openai').provider.baseURL ?? '')).toBe(0);
  });

  it('refuses a configuration that names nothing, or a fallback to nowhere, at construction', () => {
    expect(() => createPlyClient({ providers: {} })).toThrow(ConfigurationError);
    expect(() =>
      createPlyClient({
        providers: { openai: { apiKey: 'k', baseURL: simulator.url } },
        fallback: { openai: ['azur:gpt-4o'] },
      }),
    ).toThrow(ProviderNotFoundError);
    expect(() =>
      createPlyClient({
        providers: { openai: { apiKey: 'k', baseURL: simulator.url, kind: 'other' as 'openai' } },
      }),
    ).toThrow(ConfigurationError);
  });
});
