import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeyEchoingUpstream, startKeyEchoingUpstream } from './key-echoing-upstream.ts';
import { capturingStdio, OutputSink } from './output-sink.ts';
import { findLeaks, plantKeys } from './planted-keys.ts';
import { runAgainstEchoingUpstream, runAgainstSimulator } from './planted-run.ts';

const keys = plantKeys();
let upstream: KeyEchoingUpstream;

beforeAll(async () => {
  upstream = await startKeyEchoingUpstream();
});
afterAll(() => upstream.close());

describe('a planted key', () => {
  it('is found by the search when an output does hold it (the search can fail)', async () => {
    const response = await fetch(`${upstream.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.plain}` },
      body: JSON.stringify({ model: 'echo-401' }),
    });
    const sink = new OutputSink();
    sink.add('raw upstream body', await response.text());
    sink.add('base64', Buffer.from(keys.shaped).toString('base64'));
    expect(findLeaks(sink.outputs, [keys.plain, keys.shaped])).toEqual([
      'raw upstream body: key',
      'raw upstream body: encoded key', // its 24-character prefix
      'base64: encoded key',
    ]);
  });

  for (const [shape, key] of Object.entries(keys)) {
    it(`(${shape}) appears in no output of any call against the key-echoing upstream`, async () => {
      const sink = new OutputSink();
      const seenBefore = upstream.keysSeen.length;
      await capturingStdio(sink, () => runAgainstEchoingUpstream(sink, upstream, key));
      // The key made the round trip: the upstream had it to echo, in every call.
      expect(
        upstream.keysSeen.slice(seenBefore).filter((seen) => seen === key).length,
      ).toBeGreaterThan(100);
      expect(sink.outputs.size).toBeGreaterThan(400);
      expect(findLeaks(sink.outputs, [key])).toEqual([]);
    });

    it(`(${shape}) appears in no output of the simulator's happy and faulted calls`, async () => {
      const sink = new OutputSink();
      await capturingStdio(sink, () => runAgainstSimulator(sink, key));
      expect(sink.outputs.get('sim cassette')).toContain('Bearer [redacted]');
      expect(findLeaks(sink.outputs, [key])).toEqual([]);
    });
  }
});
