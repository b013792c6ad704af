import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './server.js';

let running: RunningSimulator;

beforeAll(async () => {
  running = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await running.close();
});

/** One GET on a kept-alive connection: the response headers, and the socket it came on. */
function get(path: string, agent: Agent) {
  return new Promise<{ headers: IncomingHttpHeaders; closed: () => boolean }>((resolve, reject) => {
    const req = request(`${running.url}${path}`, { agent }, (response) => {
      let closed = false;
      response.socket.once('close', () => {
        closed = true;
      });
      response.resume();
      response.once('end', () => resolve({ headers: response.headers, closed: () => closed }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('the HTTP server', () => {
  it('leaves closing an idle kept-alive connection to the client', async () => {
    // A server that announces and enforces an idle timeout races the client's next request
    // onto a socket it is closing: a POST then fails with ECONNRESET and nobody re-sends it.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get('/v1/models', agent);
      expect(first.headers.connection).toBe('keep-alive');
      expect(first.headers['keep-alive']).toBeUndefined();
      expect(first.closed()).toBe(false);
    } finally {
      agent.destroy();
    }
  });
});
