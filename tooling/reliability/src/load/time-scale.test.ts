import { describe, expect, it } from 'vitest';
import { timeScale } from './time-scale.ts';

describe('timeScale', () => {
  it('is 1 for a process that had a core to itself', () => {
    expect(timeScale({ cpuMs: 300, wallMs: 300 })).toBe(1);
    // CPU time a little above wall time (a GC thread helped): still 1, never below.
    expect(timeScale({ cpuMs: 330, wallMs: 300 })).toBe(1);
  });

  it('stretches by the inverse of the share of a core the process got', () => {
    expect(timeScale({ cpuMs: 120, wallMs: 300 })).toBeCloseTo(2.5);
    expect(timeScale({ cpuMs: 75, wallMs: 300 })).toBeCloseTo(4);
  });

  it('is bounded by max, and at max when nothing was measured', () => {
    expect(timeScale({ cpuMs: 3, wallMs: 300 }, 10)).toBe(10);
    expect(timeScale({ cpuMs: 0, wallMs: 300 }, 6)).toBe(6);
    expect(timeScale({ cpuMs: 10, wallMs: 0 }, 6)).toBe(6);
  });
});
