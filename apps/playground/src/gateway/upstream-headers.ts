import type { ServerResponse } from 'node:http';

/** What the upstream said about a call, from a result's `meta` or a failure's fields. */
export interface UpstreamFacts {
  requestId?: string | undefined;
  headers?: Record<string, string> | undefined;
}

/**
 * Response headers that let a client see through the gateway: the upstream's request id
 * (the gateway's own stays in `x-request-id`) and its `x-ratelimit-*` quota headers.
 */
export function upstreamHeaders(facts: UpstreamFacts | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (facts === undefined) return headers;
  const requestId = facts.requestId ?? facts.headers?.['x-request-id'];
  if (requestId) headers['x-upstream-request-id'] = requestId;
  for (const [name, value] of Object.entries(facts.headers ?? {})) {
    if (name.startsWith('x-ratelimit-')) headers[name] = value;
  }
  return headers;
}

/** Sets them on a response whose head is not written yet (an error about to be sent). */
export function setUpstreamHeaders(response: ServerResponse, facts: unknown): void {
  if (response.headersSent || typeof facts !== 'object' || facts === null) return;
  for (const [name, value] of Object.entries(upstreamHeaders(facts as UpstreamFacts))) {
    response.setHeader(name, value);
  }
}
