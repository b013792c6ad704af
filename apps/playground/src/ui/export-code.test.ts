import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/playground-config.js';
import { plantedKey } from '../testing/key-echoing-upstream.test-support.js';
import { exportCode, tsLiteral } from './export-code.js';
import { postJson, startTestPlayground, type TestPlayground } from './ui.test-support.js';

const run = promisify(execFile);
/** Inside the app, so the exported program resolves the workspace's @ply packages. */
const scratch = fileURLToPath(new URL('../../.reports/export-check/', import.meta.url));

const request = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system' as const, content: "Answer in one line, don't ramble." },
    { role: 'user' as const, content: 'Say "exported" back' },
  ],
  temperature: 0.2,
  maxOutputTokens: 50,
};

describe('exportCode', () => {
  it('writes the request as a TypeScript literal, the registry with costTracking and resilience, and no key', () => {
    const code = exportCode({
      target: 'openai:gpt-4o-mini',
      provider: {
        id: 'openai',
        kind: 'openai',
        apiKey: plantedKey(),
        baseURL: 'https://user:pw@llm.example/v1?key=x',
      },
      request,
      stream: true,
      config: DEFAULT_CONFIG,
    });
    expect(code).toContain("import { createOpenAIProvider } from '@ply/provider-openai';");
    expect(code).toContain('apiKey: process.env.OPENAI_API_KEY');
    expect(code).toContain("baseURL: process.env.OPENAI_BASE_URL ?? 'https://llm.example/v1'");
    expect(code).toContain('costTracking({ budget, ledger, estimator: tiktokenEstimator })');
    expect(code).toContain('retry: { maxAttempts: 3, baseDelayMs: 250, deadlineMs: 60000 }');
    expect(code).toContain("registry.stream('openai:gpt-4o-mini', request)");
    expect(code).toContain(`content: 'Answer in one line, don\\'t ramble.'`);
    expect(code).toContain(`content: 'Say "exported" back'`);
    expect(code).toContain('temperature: 0.2,');
    expect(code).not.toContain(plantedKey());
    expect(code).not.toContain('pw@');
  });

  it('tsLiteral round-trips JSON values as source', () => {
    const value = { 'a-b': [1, 'two', { c: null, d: true }], e: 'quote \' and \\ and "', f: [] };
    expect(runInNewContext(`(${tsLiteral(value)})`)).toEqual(value);
  });
});

describe('POST /api/export', () => {
  let playground: TestPlayground;
  let upstream: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    playground = await startTestPlayground();
    upstream = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await playground.close();
    await upstream.close();
  });

  it('exports a simulator call as a program that runs against an OpenAI-compatible server', async () => {
    const { model: _model, ...body } = request;
    const response = await postJson(`${playground.url}/api/export`, {
      target: 'simulator:gpt-4o-mini',
      request: body,
    });
    expect(response.status).toBe(200);
    const { code, filename } = (await response.json()) as { code: string; filename: string };
    expect(filename).toBe('call.ts');
    expect(code).toContain("registry.stream('openai:gpt-4o-mini', request)");
    expect(code).toContain('embedded simulator');

    await mkdir(scratch, { recursive: true });
    const file = `${scratch}call.ts`;
    await writeFile(file, code);
    const { stdout } = await run(process.execPath, [file], {
      env: { ...process.env, OPENAI_API_KEY: plantedKey(), OPENAI_BASE_URL: upstream.url },
      timeout: 30_000,
    });
    expect(stdout).toContain('Say "exported" back');
    expect(stdout).toMatch(/\d+ tokens in, \d+ out; cost: [\d.e-]+ USD/);
  });

  it('refuses a request it could not export, naming the field', async () => {
    const response = await postJson(`${playground.url}/api/export`, {
      target: 'simulator:gpt-4o-mini',
      request: { messages: 'hello' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe(
      'request.messages',
    );
  });
});
