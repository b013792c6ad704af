// Shared by this folder's tests: a fast stack, a temp dir, and a stream that keeps its text.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnvironment } from '../config/playground-config.js';
import { createPlaygroundStack, type PlaygroundStack } from '../stack/playground-stack.js';

/** The simulator-only stack, unpaced, with millisecond retries. */
export function fastStack(): PlaygroundStack {
  return createPlaygroundStack({
    ...configFromEnvironment({}),
    simulatorPace: { firstTokenDelayMs: 0, tokenDelayMs: 0 },
    retry: { maxAttempts: 3, baseDelayMs: 1, deadlineMs: 30_000 },
  });
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'ply-run-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A writable that keeps what was written, as stdout or stderr of a command under test. */
export class TextOutput {
  text = '';
  readonly isTTY: boolean;
  readonly columns: number;

  constructor(options: { isTTY?: boolean; columns?: number } = {}) {
    this.isTTY = options.isTTY ?? false;
    this.columns = options.columns ?? 80;
  }

  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
