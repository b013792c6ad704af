import type { RouteHandler } from '../server/http-io.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';

export interface UiApiOptions {
  maxBodyBytes: number;
}

/** STUB, replaced by the UI's API under `/api/`. */
export function createUiApiHandler(_stack: PlaygroundStack, _options: UiApiOptions): RouteHandler {
  return async () => false;
}
