import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * Resolves once a response's socket can take more: at once unless the last write filled
 * its buffer, else at `drain`. A streaming route awaits it between events, so a slow
 * client slows the upstream read instead of the answer piling up in memory. `signal` (the
 * client's disconnect) ends the wait with its abort reason.
 */
export async function waitForDrain(
  response: ServerResponse,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (!response.writableNeedDrain || response.destroyed) return;
  await once(response, 'drain', signal === undefined ? {} : { signal });
}
