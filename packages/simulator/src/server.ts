import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ConnectionDropped } from './connection-dropped.js';
import type { SimulatorOptions } from './simulation.js';
import { createSimulator, type Simulator } from './simulator.js';

export interface StartSimulatorOptions extends SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback by default. */
  host?: string;
}

export interface RunningSimulator {
  /** Base URL for OpenAI clients, `/v1` included: `http://127.0.0.1:PORT/v1`. */
  url: string;
  simulator: Simulator;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

function toRequest(incoming: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
  return new Request(new URL(incoming.url ?? '/', origin), {
    method: incoming.method ?? 'GET',
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
}

async function send(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  outgoing.writeHead(response.status, headers);
  // Headers go out at once: clients see them before the first chunk, as with the real API.
  outgoing.flushHeaders();
  if (!response.body) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  outgoing.on('close', () => {
    if (!outgoing.writableFinished) reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!outgoing.write(value)) await new Promise((resolve) => outgoing.once('drain', resolve));
    }
    outgoing.end();
  } catch {
    // A fault cut the body: let what was written reach the client, then drop the
    // connection as a reset peer would (destroy alone discards buffered writes).
    await new Promise<void>((resolve) => outgoing.write('', () => resolve()));
    outgoing.destroy();
  }
}

/** Serves the simulator over HTTP on loopback. */
export async function startSimulator(
  options: StartSimulatorOptions = {},
): Promise<RunningSimulator> {
  const simulator = createSimulator(options);
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const server = createServer((incoming, outgoing) => {
    const aborted = new AbortController();
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) aborted.abort();
    });
    simulator
      .handle(toRequest(incoming, origin, aborted.signal))
      .then((response) => send(response, outgoing))
      .catch((error: unknown) => {
        if (error instanceof ConnectionDropped || aborted.signal.aborted) {
          incoming.socket.destroy();
          return;
        }
        outgoing.writeHead(500, { 'content-type': 'application/json' });
        outgoing.end(
          JSON.stringify({
            error: {
              message: `Simulator failure: ${String(error)}`,
              type: 'server_error',
              param: null,
              code: null,
            },
          }),
        );
      });
  });
  // Idle keep-alive sockets are closed by the client, never by the simulator: a server that
  // closes them races the client's next request onto a socket already gone (ECONNRESET on
  // a POST, which no client re-sends), and a busy event loop loses that race often.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `${origin}/v1`,
    simulator,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
