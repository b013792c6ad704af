import { ConfigurationError } from '@ply/core';

/**
 * Refuses a URL that carries credentials (`https://user:password@host`), naming the option
 * and never the credentials. fetch will not send a request to such a URL, and ply does
 * not turn them into a header: an OpenAI-compatible server reads its key from
 * `Authorization: Bearer`, the header HTTP Basic auth would need too. A server behind Basic
 * auth gets it from `headers`.
 */
export function refuseCredentialsInURL(url: string | undefined, option: string): void {
  if (url === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return; // Not a URL: the SDK reports it on the first call.
  }
  if (parsed.username === '' && parsed.password === '') return;
  throw new ConfigurationError(
    `\`${option}\` must not carry credentials (user:password@host): give the key as \`apiKey\` ` +
      "(sent as `Authorization: Bearer`), or the header a proxy expects in `headers`, such as `{ Authorization: 'Basic …' }`",
  );
}
