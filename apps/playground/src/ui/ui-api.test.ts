import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlayground, type TestPlayground } from './ui.test-support.js';

describe('the UI API routing', () => {
  let playground: TestPlayground;
  beforeAll(async () => {
    playground = await startTestPlayground({ providers: [{ id: 'simulator', kind: 'simulator' }] });
  });
  afterAll(() => playground.close());
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: Record<string, unknown> }).error;

  it('answers an unknown /api path 404 and a wrong method 405, as typed errors', async () => {
    const missing = await fetch(`${playground.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ ply_code: 'not_found' });
    const wrongMethod = await fetch(`${playground.url}/api/chat`);
    expect(wrongMethod.status).toBe(405);
    expect(await errorOf(wrongMethod)).toMatchObject({ ply_code: 'invalid_request' });
  });

  it('refuses a body that is not declared JSON, not JSON, or too large, naming the field', async () => {
    // A cross-site form can post text/plain without a preflight: it never gets in.
    const plain = await fetch(`${playground.url}/api/faults`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ fault: 'quota', mode: 'on' }),
    });
    expect(plain.status).toBe(415);
    expect(await errorOf(plain)).toMatchObject({ param: 'content-type' });
    const json = { 'content-type': 'application/json' };
    const notJson = await fetch(`${playground.url}/api/estimate`, {
      method: 'POST',
      headers: json,
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    expect(await errorOf(notJson)).toMatchObject({ param: 'body' });
    const huge = await fetch(`${playground.url}/api/estimate`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        target: 'simulator:gpt-4o-mini',
        request: { messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] },
      }),
    });
    expect(huge.status).toBe(413);
    expect(await errorOf(huge)).toMatchObject({ param: 'body' });
  });

  it('leaves the page itself to the static files, under a CSP without inline code', async () => {
    const page = await fetch(`${playground.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/js/app.js">');
    expect(html).not.toMatch(/<script>|style="|<style/);
  });
});
