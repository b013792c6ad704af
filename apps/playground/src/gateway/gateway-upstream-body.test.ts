// OUR OWN FIXTURE: the truncated body below is written for this test, not recorded traffic.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseErrorResponse } from '@ply/response-models';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './gateway.test-support.js';

/** An OpenAI-compatible upstream whose 200 answers are cut off mid-JSON. */
const TRUNCATED = '{"id":"chatcmpl-cut","object":"chat.completion","created":1,"choi';
let requests = 0;
const upstream = createServer((request, response) => {
  requests++;
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_cut' });
    response.end(TRUNCATED);
  });
});
let upstreamURL = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamURL = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

let gateway: GatewayFixture;
afterEach(async () => {
  await gateway.close();
});

const startWithTruncatingUpstream = () =>
  startGateway({
    config: {
      providers: [
        { id: 'simulator', kind: 'simulator' },
        { id: 'cut', kind: 'openai', apiKey: 'sk-test-cut', baseURL: upstreamURL },
      ],
    },
  });

describe('an upstream that sends a malformed body', () => {
  it('is a 502 Bad Gateway (the upstream is at fault), not a 500, and is not retried', async () => {
    gateway = await startWithTruncatingUpstream();
    const before = requests;
    const response = await gateway.post('/chat/completions', {
      model: 'cut:gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('x-should-retry')).toBe('false');
    const { error } = parseErrorResponse(await response.json());
    expect(error).toMatchObject({ type: 'server_error', ply_code: 'invalid_response' });
    expect(requests - before).toBe(1);
  });

  it('reaches the official SDK as a 502 APIError', async () => {
    gateway = await startWithTruncatingUpstream();
    const error = await gateway
      .client()
      .chat.completions.create({
        model: 'cut:gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 502 });
  });
});
