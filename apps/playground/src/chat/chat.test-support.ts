import { PassThrough, Writable } from 'node:stream';
import { configFromEnvironment } from '../config/playground-config.js';
import { createPlaygroundStack, type PlaygroundStack } from '../stack/playground-stack.js';
import { type ChatOptions, type ChatRun, startChat } from './run-chat.js';

/**
 * A real stack on the embedded simulator, unpaced: a test that needs an answer to wait
 * injects a fault (a stall) rather than slowing the stream and racing it.
 */
export function simulatorStack(): PlaygroundStack {
  return createPlaygroundStack({
    ...configFromEnvironment({}),
    simulatorPace: { firstTokenDelayMs: 0, tokenDelayMs: 0 },
  });
}

/** A chat on in-memory streams: feed it lines, read what it wrote (and in how many writes). */
export class ChatHarness {
  readonly input = new PassThrough();
  readonly writes: string[] = [];
  readonly run: ChatRun;
  readonly #watchers = new Set<() => void>();

  constructor(options: Omit<ChatOptions, 'input' | 'output'>) {
    const output = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.writes.push(chunk.toString('utf8'));
        for (const watcher of this.#watchers) watcher();
        done();
      },
    });
    this.run = startChat({ ...options, input: this.input, output });
  }

  get text(): string {
    return this.writes.join('');
  }

  send(...lines: string[]): void {
    for (const line of lines) this.input.write(`${line}\n`);
  }

  /** Ends the input (EOF) and waits for the chat's exit code. */
  async finish(): Promise<number> {
    this.input.end();
    return this.run.finished;
  }

  /** Resolves once the output matches: waits on writes, not on time. */
  until(pattern: RegExp): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!pattern.test(this.text)) return;
        this.#watchers.delete(check);
        resolve();
      };
      this.#watchers.add(check);
      check();
    });
  }
}

/** Runs a whole piped session: every line, then EOF. */
export async function chatLines(
  stack: PlaygroundStack,
  lines: string[],
  options: Omit<ChatOptions, 'input' | 'output' | 'stack'> = {},
): Promise<{ code: number; text: string; writes: string[] }> {
  const harness = new ChatHarness({ stack, ...options });
  harness.send(...lines);
  const code = await harness.finish();
  return { code, text: harness.text, writes: harness.writes };
}

/** The chat messages of every chat request the simulator served, oldest first. */
export function requestedMessages(stack: PlaygroundStack): { role: string; content: unknown }[][] {
  return stack.simulator.log
    .filter('/v1/chat/completions')
    .map((entry) => (entry.body as { messages: { role: string; content: unknown }[] }).messages);
}
