import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DriftingProxy {
  /** The proxy's `/v1` base URL. */
  url: string;
  close(): Promise<void>;
}

/** The field the proxy adds: one the OpenAI spec does not describe. */
export const DRIFT_FIELD = 'provider_extra';

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of request as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}

function drift(json: string): string {
  const value = JSON.parse(json) as Record<string, unknown>;
  return JSON.stringify({ ...value, [DRIFT_FIELD]: 'added by the test proxy' });
}

/**
 * An OpenAI-compatible server that drifts from the spec, as real compatible servers do:
 * it forwards to `upstream` (a `/v1` base URL) and adds {@link DRIFT_FIELD} to every chat
 * completion and stream chunk. A fixture of this test suite, not recorded traffic.
 */
export async function startDriftingProxy(upstream: string): Promise<DriftingProxy> {
  const origin = new URL(upstream).origin;
  const server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'content-length') {
        headers.set(name, value);
      }
    }
    const forwarded = await fetch(`${origin}${request.url}`, {
      method: request.method,
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    const outHeaders: Record<string, string> = {};
    forwarded.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'content-encoding') outHeaders[name] = value;
    });
    response.writeHead(forwarded.status, outHeaders);
    const isChat = request.url?.endsWith('/chat/completions') === true && forwarded.ok;
    const isStream = forwarded.headers.get('content-type')?.includes('text/event-stream') ?? false;
    if (!isChat || forwarded.body === null) {
      response.end(Buffer.from(await forwarded.arrayBuffer()));
      return;
    }
    if (!isStream) {
      response.end(drift(await forwarded.text()));
      return;
    }
    let pending = '';
    const decoder = new TextDecoder();
    for await (const bytes of forwarded.body) {
      pending += decoder.decode(bytes, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      response.write(
        lines
          .map((line) => (line.startsWith('data: {') ? `data: ${drift(line.slice(6))}` : line))
          .map((line) => `${line}\n`)
          .join(''),
      );
    }
    response.end(pending);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
