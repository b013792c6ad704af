/**
 * `data:` and `blob:` URLs hold their content, so fetching one is no traffic: it is neither
 * recorded nor matched. (The OpenAI client fetches `data:,` to probe a custom fetch.)
 */
export function holdsItsContent(request: Request): boolean {
  return request.url.startsWith('data:') || request.url.startsWith('blob:');
}
