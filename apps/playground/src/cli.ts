#!/usr/bin/env node
// ply: the playground's command line. `ply` alone serves the UI and the gateway.
import { PlyError } from '@ply/core';
import { chatCommand } from './chat/chat-command.js';
import { modelsCommand } from './commands/models-command.js';
import { serveCommand } from './commands/serve-command.js';
import { runCommand } from './run/run-command.js';

const HELP = `Usage: ply [command] [options]

Commands:
  serve (default)   the browser UI and the OpenAI-compatible gateway on one port
  chat              an interactive chat in the terminal, with a cost and usage footer
  run               run a prompt over the rows of an experiments CSV
  models            list the registry's providers and their models

Every command takes --config <file> (or PLY_CONFIG) naming providers; without one the
embedded simulator is the default, and OPENAI_API_KEY / OPENAI_BASE_URL add "openai".
Run "ply <command> --help" for a command's options.
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  serve: serveCommand,
  chat: chatCommand,
  run: runCommand,
  models: modelsCommand,
};

const [first, ...rest] = process.argv.slice(2);
if (first === 'help' || first === '--help' || first === '-h') {
  process.stdout.write(HELP);
} else {
  const named = first !== undefined && !first.startsWith('-');
  const name = named ? first : 'serve';
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    process.stderr.write(`ply: unknown command "${first}"\n\n${HELP}`);
    process.exitCode = 2;
  } else {
    try {
      process.exitCode = await command(named ? rest : process.argv.slice(2));
    } catch (error) {
      // Typed errors are the user's to fix: their message says what. Anything else is a bug.
      const message = PlyError.isInstance(error) ? `${error.code}: ${error.message}` : error;
      console.error('ply:', message);
      process.exitCode = 1;
    }
  }
}
