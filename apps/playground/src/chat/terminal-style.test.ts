import { describe, expect, it } from 'vitest';
import { terminalStyle, wantsColor } from './terminal-style.js';

describe('terminal style', () => {
  it('colours a terminal only, and never with NO_COLOR set', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
  });

  it('writes escape codes only when colour is on', () => {
    expect(terminalStyle(false).red('x')).toBe('x');
    expect(terminalStyle(true).red('x')).toBe('\x1b[31mx\x1b[39m');
  });
});
