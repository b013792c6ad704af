/**
 * Where a provider sends requests, safe to show and to key state on: scheme, host, port
 * and path of its base URL, without credentials (`user:secret@`), query or fragment. A
 * circuit breaker or rate limiter keyed on it never puts a secret into a key, a message
 * or an event. Not a URL: `undefined`, so the caller falls back to the provider's id.
 */
export function endpointIdentity(baseURL: string | undefined): string | undefined {
  if (typeof baseURL !== 'string' || baseURL === '') return undefined;
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}
