import { parseArgs } from 'node:util';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { openStack } from './open-stack.js';

/**
 * One line per provider of the registry: its model ids, or why it could not list them.
 * An upstream's error text may quote the key it was sent (OpenAI's own 401 does), so the
 * stack masks its secrets out of it. `ply models` and the chat's `/models` print these.
 */
export async function modelListing(stack: PlaygroundStack): Promise<string[]> {
  return (await stack.registry.listModels()).map((entry) => {
    const models =
      'models' in entry
        ? entry.models.map((model) => model.id).join(', ')
        : `error: ${entry.error.code}: ${stack.redact(entry.error.message)}`;
    return `${entry.providerId}: ${models}`;
  });
}

export interface ModelsCommandIo {
  stdout: { write(text: string): unknown };
  /** The stack to list (tests pass their own); otherwise one from `--config`, disposed after. */
  stack?: PlaygroundStack;
}

/** `ply models`: every provider of the registry and the models it lists. */
export async function modelsCommand(
  args: string[],
  io: ModelsCommandIo = { stdout: process.stdout },
): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  const stack = io.stack ?? (await openStack(values.config));
  try {
    for (const line of await modelListing(stack)) io.stdout.write(`${line}\n`);
    return 0;
  } finally {
    if (io.stack === undefined) await stack.dispose();
  }
}
