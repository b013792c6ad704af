import { modelListing } from '../commands/models-command.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { readBudget } from './budget-figures.js';
import type { ChatSession } from './chat-session.js';
import { formatCostReport } from './cost-report.js';

export interface SlashContext {
  stack: PlaygroundStack;
  session: ChatSession;
  /** Writes one line of the chat's own output (not the model's). */
  print(line: string): void;
}

/** What the chat does after a command. */
export type SlashOutcome = 'continue' | 'exit';

interface SlashCommand {
  usage: string;
  summary: string;
  run(argument: string, context: SlashContext): Promise<SlashOutcome> | SlashOutcome;
}

const table: Record<string, SlashCommand> = {
  model: {
    usage: '/model [provider:model]',
    summary: 'switch the model (alone: show it); the conversation carries over',
    run(argument, { stack, session, print }) {
      if (argument === '') {
        print(`model: ${session.target}`);
        return 'continue';
      }
      // Resolving checks the provider now; whether it serves the model, only a call can tell.
      stack.registry.resolve(argument);
      session.target = argument;
      print(`model: ${argument}`);
      return 'continue';
    },
  },
  models: {
    usage: '/models',
    summary: "list every provider's models",
    async run(_argument, { stack, print }): Promise<SlashOutcome> {
      for (const line of await modelListing(stack)) print(line);
      return 'continue';
    },
  },
  system: {
    usage: '/system [text|off]',
    summary: 'set the system prompt for the next answers ("off" removes it; alone: show it)',
    run(argument, { session, print }) {
      if (argument === '') {
        print(session.system === undefined ? 'system: (none)' : `system: ${session.system}`);
      } else if (argument === 'off') {
        session.system = undefined;
        print('system prompt removed');
      } else {
        session.system = argument;
        print('system prompt set');
      }
      return 'continue';
    },
  },
  reset: {
    usage: '/reset',
    summary: 'forget the conversation (model and system prompt stay)',
    run(_argument, { session, print }) {
      session.reset();
      print('conversation cleared');
      return 'continue';
    },
  },
  cost: {
    usage: '/cost',
    summary: 'calls, tokens and cost per model, and the session budget',
    async run(_argument, { stack, print }): Promise<SlashOutcome> {
      const lines = formatCostReport(stack.ledger.summary('model'), await readBudget(stack));
      for (const line of lines) print(line);
      return 'continue';
    },
  },
  help: {
    usage: '/help',
    summary: 'this list',
    run(_argument, { print }) {
      for (const line of helpLines()) print(line);
      return 'continue';
    },
  },
  exit: {
    usage: '/exit',
    summary: 'leave (or Ctrl-D; Ctrl-C stops an answer, or leaves when idle)',
    run: () => 'exit',
  },
};
// A Map, so a line like `/constructor` cannot reach Object's prototype.
const commands = new Map(Object.entries(table));
const aliases = new Map([['quit', 'exit']]);

export function helpLines(): string[] {
  const width = Math.max(...[...commands.values()].map((command) => command.usage.length));
  return [
    ...[...commands.values()].map(
      (command) => `${command.usage.padEnd(width)}  ${command.summary}`,
    ),
    `${'//text'.padEnd(width)}  send a message that starts with "/"`,
  ];
}

/** True for a line the chat handles itself; `//...` is a message starting with a slash. */
export function isSlashCommand(line: string): boolean {
  return line.startsWith('/') && !line.startsWith('//');
}

/** Runs `/name argument`. Typed errors (an unknown provider) are thrown for the chat to print. */
export async function runSlashCommand(line: string, context: SlashContext): Promise<SlashOutcome> {
  const match = /^\/(\S*)\s*(.*)$/s.exec(line.trim());
  const name = match?.[1] ?? '';
  const command = commands.get(aliases.get(name) ?? name);
  if (command === undefined) {
    context.print(`unknown command /${name}; /help lists them`);
    return 'continue';
  }
  return command.run(match?.[2]?.trim() ?? '', context);
}
