/**
 * US dollars as the playground prints them everywhere (chat footer, `/cost`, `ply run`
 * summaries and estimates). Whole amounts in cents; below a dollar, three significant
 * digits, so a cheap call (a gpt-4o-mini answer costs millionths of a dollar) never reads
 * as a misleading `$0.00`. Zero is `$0`. Whether a call is priced at all is the caller's to
 * say: an unpriced call is not a zero amount.
 */
export function formatUsd(amount: number): string {
  if (!Number.isFinite(amount)) return `$${amount}`;
  if (amount < 0) return `-${formatUsd(-amount)}`;
  if (amount === 0) return '$0';
  if (amount >= 1) {
    return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  }
  // Enough decimals for three significant digits (at least cents), trailing zeros past
  // the cents dropped: 0.1 → $0.10, 0.0123 → $0.0123, 0.0000018 → $0.0000018.
  const decimals = Math.max(2, 2 - Math.floor(Math.log10(amount)));
  return `$${amount.toFixed(decimals).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}
