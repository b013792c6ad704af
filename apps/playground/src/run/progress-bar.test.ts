import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.js';
import { TextOutput } from './run.test-support.js';

describe('ProgressBar', () => {
  it('prints one line at every 10% when stderr is not a terminal', () => {
    const output = new TextOutput();
    const bar = new ProgressBar({ total: 50, output });
    for (let done = 1; done <= 50; done++) bar.update({ done, failed: done >= 20 ? 2 : 0 });
    bar.finish();
    const lines = output.text.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('ply run: 10% (5/50 rows)');
    expect(lines[3]).toBe('ply run: 40% (20/50 rows, 2 failed)');
    expect(lines[9]).toBe('ply run: 100% (50/50 rows, 2 failed)');
    expect(output.text).not.toContain('\r');
  });

  it('skips deciles a small run jumps over, printing each reached one once', () => {
    const output = new TextOutput();
    const bar = new ProgressBar({ total: 3, output });
    for (let done = 1; done <= 3; done++) bar.update({ done, failed: 0 });
    expect(output.text).toBe(
      'ply run: 30% (1/3 rows)\nply run: 60% (2/3 rows)\nply run: 100% (3/3 rows)\n',
    );
  });

  it('redraws one line in place on a terminal, within its width', () => {
    const output = new TextOutput({ isTTY: true, columns: 100 });
    let now = 0;
    const bar = new ProgressBar({ total: 50, output, now: () => now });
    now = 10_000;
    bar.update({ done: 25, failed: 3, inFlight: 8 });
    bar.finish();
    const [drawn, end] = output.text.split('\n');
    expect(drawn?.startsWith('\r\x1b[2K[')).toBe(true);
    const line = (drawn ?? '').slice('\r\x1b[2K'.length);
    expect(line).toContain('25/50 · 50% · 3 failed · 8 running · 10s · ~10s left');
    expect(line.length).toBeLessThanOrEqual(100);
    expect(end).toBe('');
  });

  it('drops the bar, then cuts the text, rather than wrap on a narrow terminal', () => {
    const output = new TextOutput({ isTTY: true, columns: 30 });
    new ProgressBar({ total: 50, output }).update({ done: 25, failed: 3, inFlight: 8 });
    const line = output.text.slice('\r\x1b[2K'.length);
    expect(line.startsWith('25/50 · 50%')).toBe(true);
    expect(line.length).toBeLessThan(30);
  });

  it('redraws at most every 100 ms, but always draws the last update', () => {
    const output = new TextOutput({ isTTY: true, columns: 0 });
    let now = 0;
    const bar = new ProgressBar({ total: 4, output, now: () => now });
    bar.update({ done: 1, failed: 0 });
    bar.update({ done: 2, failed: 0 });
    now = 150;
    bar.update({ done: 3, failed: 0 });
    bar.update({ done: 4, failed: 0 });
    const draws = output.text.split('\r\x1b[2K').slice(1);
    expect(draws.map((draw) => draw.match(/\d+\/4/)?.[0])).toEqual(['1/4', '3/4', '4/4']);
    // A terminal reporting 0 columns gets the bar as if it had 80.
    expect(draws[0]?.startsWith('[')).toBe(true);
  });

  it('puts notes on their own line, the bar redrawn after them', () => {
    const tty = new TextOutput({ isTTY: true });
    const bar = new ProgressBar({ total: 10, output: tty, now: () => 0 });
    bar.update({ done: 1, failed: 0 });
    bar.note('rate limit reached');
    bar.update({ done: 2, failed: 0 });
    const draws = tty.text.split('\r\x1b[2K').slice(1);
    expect(draws).toHaveLength(3);
    expect(draws[0]).toMatch(/^\[.*\] 1\/10/);
    expect(draws[1]).toBe('rate limit reached\n');
    expect(draws[2]).toMatch(/^\[.*\] 2\/10/);
    const log = new TextOutput();
    new ProgressBar({ total: 10, output: log }).note('rate limit reached');
    expect(log.text).toBe('ply run: rate limit reached\n');
  });
});
