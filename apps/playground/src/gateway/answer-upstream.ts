import type { ServerResponse } from 'node:http';
import { disconnectSignal } from '../server/disconnect-signal.js';
import { setUpstreamHeaders } from './upstream-headers.js';

/**
 * Runs an upstream call for `response` with a signal that aborts if the client leaves.
 * A failure gets the upstream's facts as headers and is rethrown for the error envelope;
 * when the client is already gone there is no one to tell, and it is dropped.
 */
export async function answerUpstream(
  response: ServerResponse,
  run: (signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const disconnect = disconnectSignal(response);
  try {
    await run(disconnect.signal);
  } catch (error) {
    if (response.destroyed) return;
    setUpstreamHeaders(response, error);
    throw error;
  } finally {
    disconnect.release();
  }
}
