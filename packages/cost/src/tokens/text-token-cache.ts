import type { TokenEstimate } from '@ply/core';
import type { TokenEncodingName } from './encoding.js';

export interface TextTokenCacheOptions {
  /** Texts kept per encoding, least recently used evicted first. Default 10,000; 0 turns it off. */
  maxEntries?: number;
  /**
   * Characters kept in all, so that a few huge texts cannot pin memory; a text longer
   * than this is never kept. Default 16,000,000 (about 32 MB of strings).
   */
  maxCharacters?: number;
}

export interface TextTokenCacheStats {
  entries: number;
  characters: number;
  hits: number;
  misses: number;
}

/**
 * Token counts by text, one LRU map per encoding. The text itself is the key, not a
 * string built from it: V8 hashes a string once and keeps the hash, so looking up the
 * same message text again costs no pass over it.
 */
export class TextTokenCache {
  readonly #maxEntries: number;
  readonly #maxCharacters: number;
  readonly #maps = new Map<TokenEncodingName, Map<string, TokenEstimate>>();
  #characters = 0;
  #hits = 0;
  #misses = 0;

  constructor(options: TextTokenCacheOptions = {}) {
    this.#maxEntries = Math.max(0, Math.floor(options.maxEntries ?? 10_000));
    this.#maxCharacters = Math.max(0, Math.floor(options.maxCharacters ?? 16_000_000));
  }

  /** The cached count, marked most recently used; `undefined` on a miss. */
  get(encoding: TokenEncodingName, text: string): TokenEstimate | undefined {
    const map = this.#maps.get(encoding);
    const found = map?.get(text);
    if (map === undefined || found === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    map.delete(text);
    map.set(text, found);
    return found;
  }

  set(encoding: TokenEncodingName, text: string, count: TokenEstimate): void {
    if (this.#maxEntries === 0 || text.length > this.#maxCharacters) return;
    let map = this.#maps.get(encoding);
    if (map === undefined) {
      map = new Map();
      this.#maps.set(encoding, map);
    }
    if (map.has(text)) map.delete(text);
    else this.#characters += text.length;
    map.set(text, count);
    while (map.size > this.#maxEntries) this.#evictOldest(map);
    while (this.#characters > this.#maxCharacters) {
      const largest = this.#largestMap();
      if (largest === undefined) break;
      this.#evictOldest(largest);
    }
  }

  clear(): void {
    this.#maps.clear();
    this.#characters = 0;
  }

  stats(): TextTokenCacheStats {
    let entries = 0;
    for (const map of this.#maps.values()) entries += map.size;
    return { entries, characters: this.#characters, hits: this.#hits, misses: this.#misses };
  }

  #evictOldest(map: Map<string, TokenEstimate>): void {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
    this.#characters -= oldest.value.length;
  }

  #largestMap(): Map<string, TokenEstimate> | undefined {
    let largest: Map<string, TokenEstimate> | undefined;
    for (const map of this.#maps.values()) {
      if (map.size > 0 && (largest === undefined || map.size > largest.size)) largest = map;
    }
    return largest;
  }
}
