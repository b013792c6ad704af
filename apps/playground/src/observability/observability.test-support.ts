import { vi } from 'vitest';
import type { GatewayFixture } from '../gateway/gateway.test-support.js';

/** One sample line of the Prometheus text format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses Prometheus' text exposition (what prom-client writes): `# HELP` and `# TYPE`
 * comments, then `name{label="value",...} number` samples. Throws on a line that is
 * neither, so a test that parses has checked the format.
 */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`Not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) {
      labels[name as string] = value as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when none). */
export function metricValue(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

export async function scrape(gateway: GatewayFixture, init: RequestInit = {}): Promise<Sample[]> {
  const response = await fetch(`${gateway.url}/metrics`, init);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}

/**
 * Scrapes once no call is under way and `count` calls have been counted: a call is
 * counted when its handler finishes, just after the client has its answer.
 */
export async function scrapeSettled(gateway: GatewayFixture, count: number): Promise<Sample[]> {
  let samples: Sample[] = [];
  await vi.waitFor(
    async () => {
      samples = await scrape(gateway);
      if (metricValue(samples, 'ply_gateway_in_flight_requests') !== 0)
        throw new Error('in flight');
      if (metricValue(samples, 'ply_gateway_requests_total') !== count) throw new Error('not yet');
    },
    { timeout: 10_000, interval: 20 },
  );
  return samples;
}

/** A writable that keeps the call log's lines, parsed. */
export class LogCapture {
  readonly text: string[] = [];

  write(chunk: string): boolean {
    this.text.push(chunk);
    return true;
  }

  // biome-ignore lint/suspicious/noExplicitAny: log lines read by field in assertions
  lines(): any[] {
    return this.text
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line));
  }

  /** The lines once there are `count`. */
  // biome-ignore lint/suspicious/noExplicitAny: log lines read by field in assertions
  async settled(count: number): Promise<any[]> {
    await vi.waitFor(
      () => {
        if (this.lines().length < count) throw new Error('not yet');
      },
      { timeout: 10_000, interval: 20 },
    );
    return this.lines();
  }
}
