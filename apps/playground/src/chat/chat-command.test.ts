import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '@ply/simulator';
import { describe, expect, it } from 'vitest';
import {
  plantedKey,
  startKeyEchoingUpstream,
} from '../testing/key-echoing-upstream.test-support.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/**
 * The built `ply chat`, stdin piped, on the embedded simulator at its default pace (and an
 * `openai` provider when `env` names one).
 */
function plyChat(
  args: string[] = [],
  env: { OPENAI_API_KEY?: string; OPENAI_BASE_URL?: string } = {},
): {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  until: (pattern: RegExp) => Promise<void>;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [cli, 'chat', ...args], {
    env: {
      ...process.env,
      OPENAI_API_KEY: '',
      OPENAI_BASE_URL: '',
      PLY_CONFIG: '',
      NO_COLOR: '',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const watchers = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers) watcher();
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  const until = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stdout)) return;
        watchers.delete(check);
        resolve();
      };
      watchers.add(check);
      exit.then(() => reject(new Error(`exited before ${pattern}: ${stdout}`)));
      check();
    });
  return { child, stdout: () => stdout, stderr: () => stderr, until, exit };
}

describe('ply chat (built CLI, stdin piped)', () => {
  it('answers each line in turn with a footer, without colour, and exits 0 at EOF', async () => {
    const chat = plyChat();
    chat.child.stdin.end('What is ply?\nAnd the simulator?\n');
    expect(await chat.exit).toBe(0);
    const text = chat.stdout();
    expect(text).toMatch(
      /^What is ply\?\nsimulator:gpt-4o-mini · \d+ in \/ \d+ out tokens · \$0\.\d+ · session /m,
    );
    expect(text).toMatch(
      /^And the simulator\?\nsimulator:gpt-4o-mini · \d+ in \/ \d+ out tokens · \$0\.\d+ · session /m,
    );
    expect(text).toMatch(/ · first token \d+ ms/);
    expect(text).not.toContain('\x1b');
  });

  it('SIGINT while an answer streams stops it; the chat goes on to EOF', async () => {
    // A simulator on loopback as the "openai" provider, so the test can make the answer
    // stop after two tokens and wait: the SIGINT comes while it waits, not at a pace.
    const upstream = await startSimulator();
    upstream.simulator.faults.enqueue({ kind: 'stall', ms: 60_000, afterChunks: 3 });
    try {
      const chat = plyChat(['--model', 'openai:sim-lorem'], {
        OPENAI_API_KEY: 'loopback-simulator',
        OPENAI_BASE_URL: upstream.url,
      });
      chat.child.stdin.write('write 400 words\n');
      await chat.until(/^> write 400 words\n\S/m);
      chat.child.kill('SIGINT');
      await chat.until(/^stopped; the partial answer is kept$/m);
      chat.child.stdin.end('/cost\n');
      expect(await chat.exit).toBe(0);
      expect(upstream.simulator.log.filter('/v1/chat/completions')[0]?.chunksSent).toBe(3);
      expect(chat.stdout()).toMatch(/^sim-lorem\s+1\s+\d+\s+2\s+unpriced \(1 estimated\)$/m);
    } finally {
      await upstream.close();
    }
  });

  it('SIGINT when idle ends the chat though stdin is still open', async () => {
    const chat = plyChat();
    chat.child.stdin.write('hello\n');
    await chat.until(/^simulator:gpt-4o-mini · /m);
    chat.child.kill('SIGINT');
    expect(await chat.exit).toBe(0);
  });

  it('never prints a key the upstream echoes in its errors, yet names the error', async () => {
    const key = plantedKey();
    const upstream = await startKeyEchoingUpstream();
    try {
      const chat = plyChat([], { OPENAI_API_KEY: key, OPENAI_BASE_URL: upstream.url });
      chat.child.stdin.end('hello\n/models\n');
      expect(await chat.exit).toBe(1);
      // With a key, openai is the default target.
      expect(chat.stdout()).toMatch(/^error: stream_interrupted: .*for the key \[redacted\]/m);
      expect(chat.stdout()).toMatch(/^openai: error: authentication: .*\[redacted\]/m);
      expect(chat.stdout() + chat.stderr()).not.toContain(key);
      expect(upstream.keysSeen).toHaveLength(2);
    } finally {
      await upstream.close();
    }
  });

  it('refuses an unknown provider in --model with exit code 2', async () => {
    const chat = plyChat(['--model', 'nowhere:gpt-4o']);
    chat.child.stdin.end();
    expect(await chat.exit).toBe(2);
  });
});
