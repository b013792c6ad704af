import type { RouteHandler } from '../server/http-io.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';

export interface GatewayOptions {
  maxBodyBytes: number;
}

/** STUB, replaced by the gateway: `/v1/chat/completions`, `/v1/embeddings`, `/v1/models`. */
export function createGatewayHandler(
  _stack: PlaygroundStack,
  _options: GatewayOptions,
): RouteHandler {
  return async () => false;
}
