// How numbers read on the page: money with enough digits to see a fraction of a cent.

export function usd(amount) {
  if (amount === undefined || amount === null) return 'unpriced';
  if (amount === 0) return '$0';
  if (amount >= 1) return `$${amount.toFixed(2)}`;
  if (amount >= 0.01) return `$${amount.toFixed(4)}`;
  return `$${amount.toPrecision(3)}`;
}

/** A cost summary from the API: amount, or `unpriced` with its reason, marked when estimated. */
export function cost(summary) {
  if (!summary) return '–';
  const amount = summary.unpriced
    ? `unpriced${summary.unpricedReason ? ` (${summary.unpricedReason})` : ''}`
    : usd(summary.amount);
  return summary.estimated ? `${amount} (estimated)` : amount;
}

export function int(value) {
  if (value === undefined || value === null) return '–';
  return Math.round(value).toLocaleString('en-US');
}

export function ms(value) {
  if (value === undefined || value === null) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function percent(share) {
  if (share === undefined || share === null || !Number.isFinite(share)) return '–';
  return `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;
}
