import type { Readable, Writable } from 'node:stream';
import { toPlyError } from '@ply/core';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { readBudget } from './budget-figures.js';
import { formatFooter } from './chat-footer.js';
import { ChatSession } from './chat-session.js';
import { streamTurn, type TurnOutcome } from './chat-turn.js';
import { LineReader } from './line-reader.js';
import { isSlashCommand, runSlashCommand } from './slash-commands.js';
import { terminalStyle } from './terminal-style.js';

export interface ChatOptions {
  stack: PlaygroundStack;
  input: Readable;
  output: Writable;
  /** `provider:model`; the stack's default target when omitted. */
  target?: string;
  system?: string;
  /**
   * A person at a terminal: a prompt, line editing, and Ctrl-C through readline. Off, the
   * chat reads lines as a script would, echoes each one so the transcript reads as a
   * conversation, and ends with exit code 1 if anything failed.
   */
  terminal?: boolean;
  color?: boolean;
}

export interface ChatRun {
  /** Ctrl-C: stops the answer being streamed, or ends the chat when idle. */
  interrupt(): void;
  /** The exit code, once the chat has ended. */
  readonly finished: Promise<number>;
}

/** Runs a chat to its end; see `startChat`. */
export function runChat(options: ChatOptions): Promise<number> {
  return startChat(options).finished;
}

/**
 * A line-based chat: each line is a message (or a slash command), each answer streams
 * to the output followed by a footer with tokens, cost, budget and speed. Kept apart from
 * argument parsing and `process`, so tests drive it with plain streams.
 */
export function startChat(options: ChatOptions): ChatRun {
  const { stack, output } = options;
  const terminal = options.terminal ?? false;
  const style = terminalStyle(options.color ?? false);
  const session = new ChatSession({
    target: options.target ?? stack.config.defaultTarget,
    system: options.system,
  });
  const reader = new LineReader({ input: options.input, output, terminal });
  let answering: AbortController | undefined;
  let failures = 0;

  const print = (line: string) => output.write(`${line}\n`);
  const printError = (error: unknown) => {
    const failure = toPlyError(error);
    failures++;
    // An upstream's error text may quote the key it was sent: the stack masks its secrets.
    print(style.red(`error: ${failure.code}: ${stack.redact(failure.message)}`));
  };

  const interrupt = () => {
    if (answering) answering.abort();
    else reader.close();
  };
  // In raw mode readline takes Ctrl-C itself instead of the process getting SIGINT.
  reader.interface.on('SIGINT', interrupt);

  async function answer(message: string): Promise<void> {
    const controller = new AbortController();
    answering = controller;
    let outcome: TurnOutcome;
    let atLineStart = true;
    const show = (delta: string, paint: (text: string) => string) => {
      if (delta === '') return;
      output.write(paint(delta));
      atLineStart = delta.endsWith('\n');
    };
    try {
      outcome = await streamTurn({
        stack,
        target: session.target,
        request: session.request(message),
        signal: controller.signal,
        onText: (delta) => show(delta, (text) => text),
        onRefusal: (delta) => show(delta, style.yellow),
      });
    } finally {
      answering = undefined;
    }
    if (!atLineStart) output.write('\n');
    const { status, reply, error, usage } = outcome;
    const shown = reply.text !== '' || reply.refusal !== undefined;
    // A stopped or cut answer stays in the conversation: the model sees what it said.
    if (status === 'completed' || shown) session.record(message, reply);
    if (error) printError(error);
    if (status === 'stopped') {
      print(
        style.yellow(shown ? 'stopped; the partial answer is kept' : 'stopped before any answer'),
      );
    } else if (error && shown) {
      print(style.yellow('the partial answer is kept'));
    }
    // Nothing shown and nothing billed (the cost layer released the reservation): no footer.
    if (status === 'completed' || usage) {
      const { cost, firstTokenMs, tokensPerSecond } = outcome;
      const figures = { target: session.target, usage, cost, firstTokenMs, tokensPerSecond };
      print(style.dim(formatFooter(figures, await readBudget(stack))));
    }
  }

  async function run(): Promise<number> {
    if (terminal) {
      print(style.dim(`ply chat · ${session.target} · /help for commands · Ctrl-D to leave`));
      reader.interface.setPrompt(style.cyan('> '));
    }
    try {
      for (;;) {
        if (terminal) reader.interface.prompt();
        const line = await reader.next();
        if (line === undefined) break;
        const text = line.trim();
        if (text === '') continue;
        try {
          if (isSlashCommand(text)) {
            if (!terminal) print(`> ${text}`);
            const outcome = await runSlashCommand(text, { stack, session, print });
            if (outcome === 'exit') break;
            continue;
          }
          const message = text.startsWith('//') ? text.slice(1) : text;
          if (!terminal) print(`> ${message}`);
          await answer(message);
        } catch (error) {
          printError(error);
        }
      }
    } finally {
      reader.close();
    }
    return !terminal && failures > 0 ? 1 : 0;
  }

  return { interrupt, finished: run() };
}
