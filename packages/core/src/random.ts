/** A source of uniform numbers in [0, 1). Injected, so jitter is reproducible in tests. */
export interface Random {
  next(): number;
}

export const mathRandom: Random = { next: () => Math.random() };

/**
 * A small deterministic generator (SplitMix32): the same seed gives the same sequence on
 * every platform (an integer seed, taken modulo 2^32). For tests, simulations and seeded fault injection; not for secrets.
 */
export function createSeededRandom(seed: number): Random {
  // Fractions and values past 32 bits would silently collide with other seeds.
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      z = (z ^ (z >>> 16)) >>> 0;
      return z / 0x1_0000_0000;
    },
  };
}
