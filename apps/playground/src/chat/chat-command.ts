import { parseArgs } from 'node:util';
import { PlyError } from '@ply/core';
import { openStack } from '../commands/open-stack.js';
import { startChat } from './run-chat.js';
import { helpLines } from './slash-commands.js';
import { wantsColor } from './terminal-style.js';

const HELP = `Usage: ply chat [options]

A chat in the terminal: each answer streams as it arrives, then a footer shows the
model, tokens, cost, the session against its budget, time to first token and tokens/s.
With stdin piped, each line is a message (echoed as "> line"); the chat ends after the
last answer, with exit code 1 if any answer or command failed.

  --model <provider:model>   who answers (default: the config's default target)
  --system <text>            a system prompt
  --config <file>            providers, budget and limits (default PLY_CONFIG)

In the chat:
${helpLines()
  .map((line) => `  ${line}`)
  .join('\n')}
`;

/** `ply chat`: parses the arguments, opens the stack and runs the chat on stdin/stdout. */
export async function chatCommand(args: string[]): Promise<number> {
  let values: { model?: string; system?: string; config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        model: { type: 'string' },
        system: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`ply chat: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const stack = await openStack(values.config);
  try {
    const target = values.model ?? stack.config.defaultTarget;
    try {
      stack.registry.resolve(target);
    } catch (error) {
      if (!PlyError.isInstance(error)) throw error;
      process.stderr.write(`ply chat: --model: ${error.code}: ${stack.redact(error.message)}\n`);
      return 2;
    }
    const chat = startChat({
      stack,
      input: process.stdin,
      output: process.stdout,
      target,
      ...(values.system === undefined ? {} : { system: values.system }),
      terminal: process.stdin.isTTY === true && process.stdout.isTTY === true,
      color: wantsColor(process.stdout, process.env),
    });
    // With stdin piped, readline is not in raw mode and Ctrl-C arrives as a signal.
    const onSigint = () => chat.interrupt();
    process.on('SIGINT', onSigint);
    try {
      return await chat.finished;
    } finally {
      process.off('SIGINT', onSigint);
    }
  } finally {
    await stack.dispose();
  }
}
