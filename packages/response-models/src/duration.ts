const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001, // micro sign, U+00B5
  μs: 0.001, // Greek mu, U+03BC, which Go also writes
  ns: 0.000_001,
};
const PART = /(\d+(?:\.\d+)?|\.\d+)(h|ms|m|s|us|µs|μs|ns)/y;

/**
 * Milliseconds in a Go-style duration as OpenAI sends them in `x-ratelimit-reset-*`:
 * `6m0s`, `20ms`, `8.64s`, `1h2m3.5s`. A bare number is taken as seconds. Anything else
 * gives `undefined`, never NaN or Infinity.
 */
export function parseDuration(text: string): number | undefined {
  const ms = durationMs(text.trim());
  // 309 digits and more overflow a double: no wait that long is meant.
  return ms !== undefined && Number.isFinite(ms) ? ms : undefined;
}

function durationMs(trimmed: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (trimmed === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const start = PART.lastIndex;
    const match = PART.exec(trimmed);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  // Rounded to the nanosecond: decimal seconds such as 1.001s are not exact in binary.
  return Math.round(total * 1_000_000) / 1_000_000;
}
