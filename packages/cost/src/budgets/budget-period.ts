/**
 * How long a budget's spending counts. `daily` and `monthly` are calendar periods in UTC
 * that start afresh at midnight and on the first of the month; `rollingMs` counts what
 * was settled in the last so many milliseconds; `total` never forgets.
 */
export type BudgetPeriod = 'total' | 'daily' | 'monthly' | { rollingMs: number };

/** Where a period stands at one instant: the key suffix and how the store forgets. */
export interface PeriodBucket {
  /** `daily:2026-11-21`, `monthly:2026-11`, `rolling:3600000ms`; none for `total`. */
  suffix: string | undefined;
  /** Epoch ms when a calendar period ends. */
  expiresAt?: number;
  /** Rolling window length. */
  windowMs?: number;
}

const pad = (value: number) => String(value).padStart(2, '0');

export function periodBucket(period: BudgetPeriod, now: number): PeriodBucket {
  if (period === 'total') return { suffix: undefined };
  if (typeof period === 'object') {
    return { suffix: `rolling:${period.rollingMs}ms`, windowMs: period.rollingMs };
  }
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (period === 'daily') {
    const day = date.getUTCDate();
    return {
      suffix: `daily:${year}-${pad(month + 1)}-${pad(day)}`,
      expiresAt: Date.UTC(year, month, day + 1),
    };
  }
  return { suffix: `monthly:${year}-${pad(month + 1)}`, expiresAt: Date.UTC(year, month + 1, 1) };
}

export function describePeriod(period: BudgetPeriod): string {
  return typeof period === 'object' ? `rolling ${period.rollingMs}ms` : period;
}
