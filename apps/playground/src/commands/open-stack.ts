import { loadPlaygroundConfig } from '../config/playground-config.js';
import { createPlaygroundStack, type PlaygroundStack } from '../stack/playground-stack.js';

/** The stack every command runs on, from `--config` / `PLY_CONFIG` / the environment. */
export async function openStack(configPath: string | undefined): Promise<PlaygroundStack> {
  const config = await loadPlaygroundConfig(configPath === undefined ? {} : { configPath });
  return createPlaygroundStack(config);
}
