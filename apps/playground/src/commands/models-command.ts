import { parseArgs } from 'node:util';
import { openStack } from './open-stack.js';

/** `ply models`: every provider of the registry and the models it lists. */
export async function modelsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' } } });
  const stack = await openStack(values.config);
  try {
    for (const entry of await stack.registry.listModels()) {
      const models =
        'models' in entry
          ? entry.models.map((model) => model.id).join(', ')
          : `error: ${entry.error.code}: ${entry.error.message}`;
      process.stdout.write(`${entry.providerId}: ${models}\n`);
    }
    return 0;
  } finally {
    await stack.dispose();
  }
}
