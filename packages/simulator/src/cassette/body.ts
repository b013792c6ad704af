/** A body as a cassette keeps it: parsed when JSON, the text otherwise, absent when empty. */
export function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  if (contentType?.toLowerCase().includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      // Declared JSON but not JSON: the text is still worth keeping.
    }
  }
  return text;
}

/** The text to send for a kept body. */
export function bodyText(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export function isEventStream(contentType: string | null): boolean {
  return contentType?.toLowerCase().startsWith('text/event-stream') ?? false;
}

/** A response body as a cassette keeps it: as `body` when it is UTF-8 text, else base64. */
export function keptBody(
  bytes: Uint8Array,
  contentType: string | null,
): { body?: unknown; bodyBase64?: string } {
  if (bytes.length === 0) return {};
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { bodyBase64: Buffer.from(bytes).toString('base64') };
  }
  return { body: parseBody(text, contentType) };
}
