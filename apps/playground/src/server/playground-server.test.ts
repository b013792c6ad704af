import { request as httpRequest } from 'node:http';
import { ConfigurationError } from '@ply/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnvironment } from '../config/playground-config.js';
import { createPlaygroundStack, type PlaygroundStack } from '../stack/playground-stack.js';
import { type RunningPlayground, startPlaygroundServer } from './playground-server.js';

let stack: PlaygroundStack;
beforeAll(() => {
  stack = createPlaygroundStack(configFromEnvironment({}));
});
afterAll(() => stack.dispose());

async function withServer(
  options: { host?: string; gatewayKey?: string },
  test: (running: RunningPlayground) => Promise<void>,
): Promise<void> {
  const running = await startPlaygroundServer({ stack, port: 0, ...options });
  try {
    await test(running);
  } finally {
    await running.close();
  }
}

describe('the playground server', () => {
  it('serves the UI on loopback with a policy that runs only its own scripts', async () => {
    await withServer({}, async ({ url }) => {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('<script type="module" src="');
    });
  });

  it('keeps idle connections longer than clients do, so the client closes them first', async () => {
    // Node's default of 5 s races clients that keep idle sockets for 4-5 s: a request sent
    // on a socket the server is closing fails with ECONNRESET, and nobody re-sends a POST.
    await withServer({}, async ({ url }) => {
      const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
        const req = httpRequest(`${url}/`, (response) => {
          response.resume();
          resolve(response.headers['keep-alive'] as string | undefined);
        });
        req.once('error', reject);
        req.end();
      });
      expect(keepAlive).toBe('timeout=65');
    });
  });

  it('answers unknown routes and files outside public/ with a 404 envelope and a request id', async () => {
    await withServer({}, async ({ url }) => {
      for (const path of ['/nothing-here', '/package.json', '/api.js']) {
        const response = await fetch(`${url}${path}`);
        expect(response.status).toBe(404);
        expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
        const body = (await response.json()) as { error: Record<string, unknown> };
        expect(body.error).toMatchObject({ type: 'invalid_request_error', ply_code: 'not_found' });
      }
    });
  });

  it('refuses other sites: a foreign Origin, or a Host rebound to this address', async () => {
    await withServer({}, async ({ url }) => {
      const port = new URL(url).port;
      const call = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const request = httpRequest(
            { host: '127.0.0.1', port, path: '/v1/models', headers },
            (response) => {
              response.resume();
              resolve(response.statusCode ?? 0);
            },
          );
          request.on('error', reject);
          request.end();
        });
      expect(await call({ host: `127.0.0.1:${port}` })).toBe(200);
      expect(await call({ host: `localhost:${port}`, origin: `http://localhost:${port}` })).toBe(
        200,
      );
      expect(await call({ host: `127.0.0.1:${port}`, origin: 'http://attacker.example' })).toBe(
        403,
      );
      expect(await call({ host: `attacker.example:${port}` })).toBe(403);
    });
  });

  it('will not listen beyond loopback without a gateway key', async () => {
    await expect(startPlaygroundServer({ stack, port: 0, host: '0.0.0.0' })).rejects.toThrow(
      ConfigurationError,
    );
  });

  it('with a gateway key, refuses /v1 and /api calls that do not carry it, and never echoes it', async () => {
    const gatewayKey = ['gateway', 'key', String(Date.now())].join('-');
    await withServer({ host: '0.0.0.0', gatewayKey }, async ({ url }) => {
      const local = url.replace('0.0.0.0', '127.0.0.1');
      for (const path of ['/v1/models', '/api/state']) {
        const refused = await fetch(`${local}${path}`, {
          headers: { authorization: 'Bearer wrong-key' },
        });
        expect(refused.status).toBe(401);
        const text = await refused.text();
        expect(text).toContain('"ply_code":"authentication"');
        expect(text).not.toContain(gatewayKey);
      }
      const page = await fetch(`${local}/`);
      expect(page.status).toBe(200);
    });
  });
});
