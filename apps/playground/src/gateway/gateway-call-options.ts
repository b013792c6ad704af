import type { CallOptions } from '@ply/core';

/** Calls through the gateway are tagged, so the ledger and budgets can tell them apart. */
export function gatewayCallOptions(signal: AbortSignal, user: string | undefined): CallOptions {
  return { signal, metadata: { tags: ['gateway'], ...(user === undefined ? {} : { user }) } };
}
