import type { RecordedChunk } from './cassette.js';

export const REDACTED = '[redacted]';

/**
 * Shapes of OpenAI credentials and account ids: keys (`sk-…`, `sk-proj-…`, `sk-svcacct-…`,
 * `sk-admin-…`), organisation ids (`org-…`) and project ids (`proj_…`). The minimum lengths
 * keep ordinary words such as `sk-learn` or `org-wide` out.
 */
const SECRET_SHAPES = [
  '(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}',
  '(?<![A-Za-z0-9])org-[A-Za-z0-9]{20,}',
  '(?<![A-Za-z0-9])proj_[A-Za-z0-9]{20,}',
];

/** Headers that carry credentials or identify the account, whatever their value looks like. */
const SECRET_HEADERS = new Set([
  'api-key',
  'x-api-key',
  'openai-organization',
  'openai-project',
  'cookie',
  'set-cookie',
  'proxy-authorization',
]);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces secrets (the known shapes and the caller's own) wherever they appear. */
export class Redactor {
  readonly #secrets: Set<string>;
  #pattern: RegExp;

  constructor(secrets: readonly string[] = []) {
    this.#secrets = new Set(secrets.filter((secret) => secret !== ''));
    this.#pattern = this.#build();
  }

  #build(): RegExp {
    // Longest first, so a secret that contains another is replaced whole.
    const explicit = [...this.#secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    return new RegExp([...explicit, ...SECRET_SHAPES].join('|'), 'g');
  }

  /**
   * Adds the credentials a request sends (its bearer token, its `api-key`), so an answer
   * quoting one back is masked even when no shape recognises it (an Azure key, say).
   */
  learnFrom(headers: Headers): void {
    const before = this.#secrets.size;
    const bearer = /^\S+\s+(\S{4,})/.exec(headers.get('authorization') ?? '')?.[1];
    if (bearer) this.#secrets.add(bearer);
    for (const name of SECRET_HEADERS) {
      const value = headers.get(name);
      if (value && value.length >= 4 && !name.includes('cookie')) this.#secrets.add(value);
    }
    if (this.#secrets.size !== before) this.#pattern = this.#build();
  }

  text(text: string): string {
    return text.replace(this.#pattern, REDACTED);
  }

  /** Every string of a parsed JSON value, object keys included. */
  json(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.json(item));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [this.text(key), this.json(item)]),
      );
    }
    return value;
  }

  headers(headers: Headers): Record<string, string> {
    const redacted: Record<string, string> = {};
    headers.forEach((value, name) => {
      if (name === 'authorization') {
        // The scheme tells a reader how the call authenticated; only the credential goes.
        const scheme = /^(\S+)\s+\S/.exec(value)?.[1];
        redacted[name] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
      } else {
        redacted[name] = SECRET_HEADERS.has(name) ? REDACTED : this.text(value);
      }
    });
    return redacted;
  }

  /**
   * Redacts a stream's chunks. A secret split across chunks would slip past chunk-by-chunk
   * replacement (its head replaced, its tail kept), so the chunks it spans are first joined
   * into one, which arrives when the last of them did.
   */
  chunks(chunks: readonly RecordedChunk[]): RecordedChunk[] {
    const ends: number[] = [];
    let offset = 0;
    for (const chunk of chunks) {
      offset += chunk.data.length;
      ends.push(offset);
    }
    // joinWithNext[i]: chunk i and chunk i + 1 hold parts of one secret.
    const joinWithNext = chunks.map(() => false);
    const joined = chunks.map((chunk) => chunk.data).join('');
    for (const match of joined.matchAll(this.#pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      ends.forEach((boundary, index) => {
        if (boundary > start && boundary < end) joinWithNext[index] = true;
      });
    }
    const merged: RecordedChunk[] = [];
    let pending: RecordedChunk | undefined;
    chunks.forEach((chunk, index) => {
      pending = pending
        ? { data: pending.data + chunk.data, delayMs: pending.delayMs + chunk.delayMs }
        : { ...chunk };
      if (!joinWithNext[index]) {
        merged.push({ data: this.text(pending.data), delayMs: pending.delayMs });
        pending = undefined;
      }
    });
    return merged;
  }
}
