// The plain-words lines under each table: ratios to a row, and whether a target holds.
import type { Measurement } from '../measure.ts';

export function ratio(rows: readonly Measurement[], name: string, to: string): number {
  const of = rows.find((row) => row.name === name)?.medianUs;
  const base = rows.find((row) => row.name === to)?.medianUs;
  return of === undefined || base === undefined || base === 0 ? Number.NaN : of / base;
}

/**
 * The median over rounds of `name`'s figure divided by `to`'s in the same round. Rounds
 * are interleaved, so each pair ran moments apart: on a machine whose speed drifts (a
 * shared VM), this ratio holds still where the ratio of medians does not.
 */
export function pairedRatio(rows: readonly Measurement[], name: string, to: string): number {
  const of = rows.find((row) => row.name === name)?.samples;
  const base = rows.find((row) => row.name === to)?.samples;
  if (!of || !base || of.length !== base.length || of.length === 0) return Number.NaN;
  const ratios = of.map((value, round) => value / (base[round] as number)).sort((a, b) => a - b);
  const middle = ratios.length / 2;
  return ratios.length % 2 === 1
    ? (ratios[Math.floor(middle)] as number)
    : ((ratios[middle - 1] as number) + (ratios[middle] as number)) / 2;
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
