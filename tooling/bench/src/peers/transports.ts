// The two ways a peer reaches the simulator. In process: its fetch, no sockets. Loopback
// HTTP: every client is handed the same function over Node's global fetch, so all share
// undici's one keep-alive pool (no client brings an agent of its own, none opens a
// connection per call).

import { createSimulator, type RequestLog, startSimulator } from '@ply/simulator';
import { note } from '../measure.ts';
import type { PlyTarget } from '../ply-stack.ts';

type Fetch = NonNullable<PlyTarget['fetch']>;

export interface Transport {
  name: string;
  target: PlyTarget;
  log: RequestLog;
  /** Requests sent again because a pooled keep-alive socket was closed under them. */
  staleSocketRetries(): number;
  close(): Promise<void>;
}

// Not key-shaped: the simulator takes any bearer key.
const API_KEY = 'bench-not-a-key';
// Limits far above any run, so no call is ever refused or delayed.
const rateLimits = { rpm: 1e9, tpm: 1e12 };

export function inProcess(): Transport {
  const sim = createSimulator({ rateLimits });
  return {
    name: 'in-process fetch',
    target: { baseURL: 'http://sim.invalid/v1', apiKey: API_KEY, fetch: sim.fetch },
    log: sim.log,
    staleSocketRetries: () => 0,
    close: async () => {},
  };
}

const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

function isStaleSocket(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return error instanceof TypeError && typeof code === 'string' && STALE_SOCKET.has(code);
}

export async function loopback(): Promise<Transport> {
  const server = await startSimulator({ port: 0, rateLimits });
  let retries = 0;
  // The server closes a keep-alive socket after 5 s idle; when a busy event loop delays
  // undici's own expiry, a POST can go out on a socket already closed and fail before any
  // response. undici re-sends only idempotent requests; this re-sends that one case for
  // every client alike (all bodies here are strings), so no run dies of a pooling race.
  const sharedFetch: Fetch = async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (error) {
      if (!isStaleSocket(error) || init?.signal?.aborted) throw error;
      retries++;
      return fetch(input, init);
    }
  };
  return {
    name: 'loopback HTTP',
    target: { baseURL: server.url, apiKey: API_KEY, fetch: sharedFetch },
    log: server.simulator.log,
    staleSocketRetries: () => retries,
    close: () => server.close(),
  };
}

const noted = new WeakMap<Transport, number>();

/** Says under the last table how many requests were re-sent since the last time it said. */
export function staleSocketNote(transport: Transport): void {
  const retries = transport.staleSocketRetries();
  const fresh = retries - (noted.get(transport) ?? 0);
  noted.set(transport, retries);
  if (fresh > 0) {
    note(`${fresh} request(s) re-sent after a pooled keep-alive socket was found closed.`);
  }
}
