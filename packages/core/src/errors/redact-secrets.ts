/**
 * Masks credentials in free text before it reaches an error message, a log line or an
 * event. Pattern based, so it also catches keys that arrive inside upstream messages
 * (the API echoes a wrong key back in its 401 text).
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  // OpenAI keys: sk-..., sk-proj-..., sk-svcacct-..., sk-admin-...
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  // Authorization header values and similar bearer tokens.
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // key=value pairs in URLs and messages (api-key, api_key, apikey, access_token, key).
  /\b(api[-_]?key|access[-_]token|key|token)(["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/-]{12,}/gi,
];

/** Secrets shorter than this are not masked: `OPENAI_API_KEY=1` (Ollama) would mask every "1". */
const MIN_SECRET_LENGTH = 4;

/**
 * The narrow rule: the given secrets (of four characters or more) and anything shaped like
 * an OpenAI key. For text that must otherwise stay as written, such as a prompt, an answer
 * or code that reads `apiKey: process.env...`.
 */
export function redactKeys(text: string, extraSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of extraSecrets) {
    if (secret.length >= MIN_SECRET_LENGTH) result = result.split(secret).join('[redacted]');
  }
  return result.replace(SECRET_PATTERNS[0] as RegExp, 'sk-[redacted]');
}

/** `redactKeys`, plus bearer tokens and `key=value` pairs: for messages, logs and events. */
export function redactSecrets(text: string, extraSecrets: readonly string[] = []): string {
  return redactKeys(text, extraSecrets)
    .replace(SECRET_PATTERNS[1] as RegExp, (_match, scheme: string) => `${scheme} [redacted]`)
    .replace(
      SECRET_PATTERNS[2] as RegExp,
      (_match, name: string, separator: string) => `${name}${separator}[redacted]`,
    );
}
