// How much a loaded machine stretches real time for this process, so suites that must use
// real timers (a soak over loopback HTTP, a child process that should exit) size their
// limits from the machine they run on instead of failing when it is busy.

/** CPU time this process got over a stretch of wall time, both in ms. */
export interface CpuSample {
  cpuMs: number;
  wallMs: number;
}

/** Spins for `sampleMs` of wall time and reports the CPU time the process got meanwhile. */
export function sampleCpuShare(sampleMs = 300): CpuSample {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  let wallMs = 0;
  while (wallMs < sampleMs) wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs };
}

/**
 * The factor to stretch real-time limits by: 1 when this process has a core to itself,
 * 1 / share when it gets only a share of one (2.5 at 40%), at most `max`. A busy loop
 * runs only on the CPU it is given, so its CPU time over its wall time is that share.
 */
export function timeScale(sample: CpuSample, max = 10): number {
  if (!(sample.wallMs > 0 && sample.cpuMs > 0)) return max;
  const share = Math.min(1, sample.cpuMs / sample.wallMs);
  return Math.min(max, Math.max(1, 1 / share));
}

/** `timeScale` of a fresh sample: what the machine is like right now. */
export function measureTimeScale(max = 10): number {
  return timeScale(sampleCpuShare(), max);
}
