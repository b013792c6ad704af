import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  ConfigurationError,
  NotFoundError,
  PermissionDeniedError,
  redactSecrets,
} from '@ply/core';
import { createGatewayHandler } from '../gateway/gateway-handler.js';
import type { CallLogFormat, LogWritable } from '../observability/call-log.js';
import { GatewayObserver } from '../observability/gateway-observer.js';
import { metricsRoute } from '../observability/metrics-route.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { createUiApiHandler } from '../ui/ui-api.js';
import { DEFAULT_MAX_BODY_BYTES, type RouteHandler, sendError } from './http-io.js';
import { staticFiles } from './static-files.js';

export const DEFAULT_PORT = 8787;

export interface PlaygroundServerOptions {
  stack: PlaygroundStack;
  /** Default `127.0.0.1`. Any other address needs `gatewayKey`. */
  host?: string;
  /** Default 8787; 0 picks a free port. */
  port?: number;
  /** Bearer key every `/v1` and `/api` request must carry; required off loopback. */
  gatewayKey?: string;
  /** Largest request body accepted (default 4 MiB). */
  maxBodyBytes?: number;
  /** The gateway's call log: `json` (default), one line per call, or `off`. */
  logFormat?: CallLogFormat;
  /** Where the call log goes (default stdout). */
  logTo?: LogWritable;
}

export interface RunningPlayground {
  /** `http://host:port`: the UI at `/`, the gateway at `/v1`. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The UI, its API and the OpenAI-compatible gateway, on one port. */
export async function startPlaygroundServer(
  options: PlaygroundServerOptions,
): Promise<RunningPlayground> {
  const host = options.host ?? '127.0.0.1';
  const gatewayKey = options.gatewayKey || undefined;
  if (!isLoopback(host) && gatewayKey === undefined) {
    throw new ConfigurationError(
      `playground: binding to ${host} exposes it beyond this machine; set a gateway key (--gateway-key or PLY_GATEWAY_KEY)`,
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const secrets = [...options.stack.secrets, ...(gatewayKey === undefined ? [] : [gatewayKey])];
  const observer = new GatewayObserver({
    redact: (text) => redactSecrets(text, secrets),
    log: {
      ...(options.logFormat === undefined ? {} : { format: options.logFormat }),
      ...(options.logTo === undefined ? {} : { to: options.logTo }),
    },
  });
  const handlers: RouteHandler[] = [
    createGatewayHandler(options.stack, { maxBodyBytes, observer }),
    metricsRoute(observer.metrics),
    createUiApiHandler(options.stack, { maxBodyBytes }),
    staticFiles(),
  ];

  const server = createServer(async (request, response) => {
    response.setHeader('x-request-id', `req_${randomUUID().replaceAll('-', '')}`);
    const url = new URL(request.url ?? '/', 'http://playground.local');
    try {
      // `/metrics` too: it shows models, traffic and spend.
      const guarded =
        url.pathname.startsWith('/v1/') ||
        url.pathname.startsWith('/api/') ||
        url.pathname === '/metrics';
      // Keyless, the server trusts only this machine: refuse other sites' pages, whether
      // they post across origins or rebind a DNS name to 127.0.0.1 to read the answers.
      if (gatewayKey === undefined)
        refuseForeignPages(request.headers, localHosts(server), guarded);
      if (
        guarded &&
        gatewayKey !== undefined &&
        !hasKey(request.headers.authorization, gatewayKey)
      ) {
        throw new AuthenticationError('Missing or wrong gateway key (Authorization: Bearer ...)', {
          status: 401,
        });
      }
      for (const handler of handlers) {
        if (await handler(request, response, url)) return;
      }
      throw new NotFoundError(`No route for ${request.method} ${url.pathname}`, { status: 404 });
    } catch (error) {
      sendError(response, error, secrets);
    }
  });
  // Longer than clients keep idle sockets (undici 4 s, Node's agent 5 s, load balancers
  // 60 s), so the client closes an idle connection before the server does: otherwise a
  // request can go out on a socket the server just closed and fail with ECONNRESET.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The `Host` values a loopback server answers to. */
function localHosts(server: Server): Set<string> {
  const { port } = server.address() as AddressInfo;
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

function refuseForeignPages(
  headers: IncomingHttpHeaders,
  hosts: ReadonlySet<string>,
  guarded: boolean,
): void {
  const host = headers.host?.toLowerCase() ?? '';
  if (!hosts.has(host)) {
    throw new PermissionDeniedError(`Host "${host}" is not this playground's address`, {
      status: 403,
    });
  }
  const origin = headers.origin;
  if (guarded && origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    throw new PermissionDeniedError(`Requests from ${origin} are not accepted`, { status: 403 });
  }
}

function hasKey(header: string | undefined, key: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, '') ?? '');
  const expected = Buffer.from(key);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
