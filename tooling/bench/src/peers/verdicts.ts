// The plain-words lines under each table: ratios to a row, and whether a target holds.
import type { Measurement } from '../measure.ts';

export function ratio(rows: readonly Measurement[], name: string, to: string): number {
  const of = rows.find((row) => row.name === name)?.medianUs;
  const base = rows.find((row) => row.name === to)?.medianUs;
  return of === undefined || base === undefined || base === 0 ? Number.NaN : of / base;
}

export const times = (value: number) => `${value.toFixed(2)}x`;

export const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

/** "a 1.02x, b 1.30x": every row but `to`, as a ratio to it. */
export function ratiosTo(rows: readonly Measurement[], to: string): string {
  return rows
    .filter((row) => row.name !== to)
    .map((row) => `${row.name} ${times(ratio(rows, row.name, to))}`)
    .join(', ');
}
