import { afterEach, describe, expect, it } from 'vitest';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import {
  type KeyEchoingUpstream,
  plantedKey,
  stackWithKey,
  startKeyEchoingUpstream,
} from '../testing/key-echoing-upstream.test-support.js';
import { modelsCommand } from './models-command.js';

let upstream: KeyEchoingUpstream | undefined;
let stack: PlaygroundStack | undefined;
afterEach(async () => {
  await stack?.dispose();
  await upstream?.close();
});

describe('ply models', () => {
  it('names a provider that cannot list by its error code, never with the key it echoed', async () => {
    const key = plantedKey();
    upstream = await startKeyEchoingUpstream();
    stack = stackWithKey(upstream, key);
    // The key reaches the upstream, which quotes it back; the provider masks its own credentials.
    const raw = (await stack.registry.listModels()).find((entry) => entry.providerId === 'openai');
    expect(upstream.keysSeen).toContain(key);
    expect(raw && 'error' in raw && raw.error.message).toContain('[redacted]');

    let stdout = '';
    const code = await modelsCommand([], { stdout: { write: (text) => (stdout += text) }, stack });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^simulator: .*\bgpt-4o-mini\b/m);
    expect(stdout).toMatch(
      /^openai: error: authentication: .*Incorrect API key provided: \[redacted\]/m,
    );
    expect(stdout).not.toContain(key);
  });
});
