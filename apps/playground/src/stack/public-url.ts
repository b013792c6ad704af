import { redactSecrets } from '@ply/core';

/**
 * A URL fit to show: credentials written into it (`https://user:token@host`) removed,
 * and key-shaped query values (`?api-key=...`) and the given secrets masked.
 */
export function publicURL(url: string, secrets: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactSecrets(url, secrets);
  }
  parsed.username = '';
  parsed.password = '';
  return redactSecrets(parsed.href, secrets);
}

/** The password a URL carries, if any: a secret like a key. */
export function urlPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const { password } = new URL(url);
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
