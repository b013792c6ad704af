import {
  ConnectionError,
  InvalidRequestError,
  ProviderRegistry,
  ServerError,
  wrapProvider,
} from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import type { ResilienceEvent } from '../resilience-event.js';
import { fallback } from './fallback-middleware.js';

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

function setup() {
  const primary = new InMemoryProvider({ id: 'primary', reply: () => 'from primary' });
  const backup = new InMemoryProvider({ id: 'backup', reply: () => 'from backup' });
  const registry = new ProviderRegistry().register('backup', backup);
  const events: ResilienceEvent[] = [];
  const provider = wrapProvider(
    primary,
    fallback({ registry, chain: ['backup:b-1'], onEvent: (event) => events.push(event) }),
  );
  return { primary, backup, provider, events };
}

describe('fallback', () => {
  it('moves on when another deployment can fix the failure', async () => {
    const { primary, backup, provider, events } = setup();
    primary.failNext(new ServerError('down', { status: 503 }));
    expect((await provider.complete(ask('x'))).text).toBe('from backup');
    expect(backup.calls[0]?.request.model).toBe('b-1');
    expect(events).toEqual([
      { type: 'fallback', from: 'primary:(default)', to: 'backup:b-1', code: 'server_error' },
    ]);
  });

  it('never falls back on invalid input', async () => {
    const { primary, backup, provider } = setup();
    primary.failNext(new InvalidRequestError('bad', { field: 'temperature' }));
    await expect(provider.complete(ask('x'))).rejects.toMatchObject({ code: 'invalid_request' });
    expect(backup.calls).toHaveLength(0);
  });

  it('throws the last failure when the whole chain fails', async () => {
    const { primary, backup, provider } = setup();
    primary.failNext(new ServerError('down'));
    backup.failNext(new ConnectionError('unreachable'));
    await expect(provider.complete(ask('x'))).rejects.toMatchObject({ code: 'connection' });
  });

  it('falls back a stream only before its first content event', async () => {
    const { primary, backup, provider } = setup();
    primary.failNext(new ServerError('down'));
    expect((await provider.stream(ask('x')).result).text).toBe('from backup');
    primary.failNext(new ConnectionError('reset'), { afterEvents: 2 });
    const cut = await provider.stream(ask('x')).result.catch((error: unknown) => error);
    expect(cut).toMatchObject({ code: 'stream_interrupted', partial: { text: 'from primary' } });
    expect(backup.calls.filter((call) => call.method === 'stream')).toHaveLength(1);
  });

  it('checks the chain at set-up', () => {
    expect(() => fallback({ registry: new ProviderRegistry(), chain: ['typo:model'] })).toThrow(
      /typo/,
    );
  });
});
