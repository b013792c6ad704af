import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('ply-simulator', () => {
  it('serves on the port it prints and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0', '--rpm', '5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const url = /listening on (\S+)/.exec(line.toString())?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const response = await fetch(`${url}/models`, { headers: { authorization: 'Bearer cli-key' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('refuses a malformed option with exit code 2', async () => {
    const child = spawn(process.execPath, [CLI, '--rpm', 'lots'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
  });
});
