import { describe, expect, it } from 'vitest';
import { formatUsd } from './usd.js';

describe('formatUsd', () => {
  it('shows a cheap amount in three significant digits, never as $0.00', () => {
    expect(formatUsd(0.00000255)).toBe('$0.00000255');
    expect(formatUsd(0.0000018)).toBe('$0.0000018');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0.16384)).toBe('$0.164');
    // Under half a millionth, where six fixed decimals printed $0.000000.
    expect(formatUsd(0.0000004)).toBe('$0.0000004');
    expect(formatUsd(1.5e-13)).toBe('$0.00000000000015');
  });

  it('keeps cents below a dollar and prints dollars in cents', () => {
    expect(formatUsd(0.1)).toBe('$0.10');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(0.9999)).toBe('$1.00');
    expect(formatUsd(2.5)).toBe('$2.50');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
  });

  it('prints zero as $0', () => {
    expect(formatUsd(0)).toBe('$0');
  });
});
