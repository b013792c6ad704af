const BLOCK = 128;
const MINIMUM = 1024;

/**
 * OpenAI's automatic prompt caching: once a prompt of at least 1024 tokens has been seen,
 * a later prompt sharing its prefix reports the shared part (in 128-token steps) as
 * `cached_tokens`. Kept per API key, bounded.
 */
export class PromptCache {
  readonly #seen = new Map<string, Set<string>>();
  readonly #maxEntries: number;

  constructor(maxEntries = 50_000) {
    this.#maxEntries = maxEntries;
  }

  /** Cached tokens for `tokens` (the prompt's token ids), then remembers its prefixes. */
  lookupAndStore(key: string, tokens: ArrayLike<number>): number {
    if (tokens.length < MINIMUM) return 0;
    let seen = this.#seen.get(key);
    if (!seen) {
      seen = new Set();
      this.#seen.set(key, seen);
    }
    let cached = 0;
    let prefix = '';
    const hashes: string[] = [];
    for (let end = BLOCK; end <= tokens.length; end += BLOCK) {
      for (let index = end - BLOCK; index < end; index++) prefix += `${tokens[index]},`;
      // A prefix's hash covers every token before it: a hit means the whole prefix is shared.
      const hash = `${end}:${fnv1a(prefix)}`;
      hashes.push(hash);
      if (seen.has(hash)) cached = end;
    }
    if (seen.size + hashes.length > this.#maxEntries) seen.clear();
    for (const hash of hashes) seen.add(hash);
    return cached >= MINIMUM ? cached : 0;
  }
}

/** 32-bit FNV-1a: a small stable hash for cache keys and seeds. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
