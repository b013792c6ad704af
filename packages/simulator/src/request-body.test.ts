import { describe, expect, it } from 'vitest';
import { createSimulator, MAX_REQUEST_BYTES } from './simulator.js';

const simulator = createSimulator();
const post = (body: string | Uint8Array) =>
  simulator.fetch('http://simulator.local/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
    body,
  });

describe('request bodies the simulator refuses', () => {
  it('answers a body over the limit with a 413 envelope, unread', async () => {
    const response = await post(`{"model":"gpt-4o-mini","x":"${'a'.repeat(MAX_REQUEST_BYTES)}"}`);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'request_too_large',
    });
  });

  it('answers bytes that are not UTF-8 as a body that is not JSON (400)', async () => {
    const start = new TextEncoder().encode(
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"',
    );
    const end = new TextEncoder().encode('"}]}');
    const response = await post(new Uint8Array([...start, 0xff, 0xfe, ...end]));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'could not parse the JSON body',
    );
  });
});
