/**
 * A constructed `Response` has an empty `url`; a fetched one names its address, which
 * clients log. This gives the constructed one the address it stands for.
 */
export function withUrl(response: Response, url: string): Response {
  Object.defineProperty(response, 'url', { value: url });
  return response;
}
