import type { ServerResponse } from 'node:http';
import { AbortedError } from '@ply/core';

export interface DisconnectSignal {
  signal: AbortSignal;
  /** Stops watching; call once the response is done. */
  release(): void;
}

/**
 * A signal that aborts when the client goes away before its response is complete, so the
 * upstream call (and its cost) stops with it instead of running on for nobody.
 */
export function disconnectSignal(response: ServerResponse, who = 'client'): DisconnectSignal {
  const controller = new AbortController();
  const onClose = () => {
    if (!response.writableFinished) {
      controller.abort(new AbortedError(`The ${who} closed the connection`));
    }
  };
  response.once('close', onClose);
  return { signal: controller.signal, release: () => response.off('close', onClose) };
}
