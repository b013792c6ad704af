import { describe, expect, it } from 'vitest';
import type { ExperimentResult } from './experiment-result.js';
import type { Experiment } from './plan-experiments.js';
import { formatRunSummary, median, summariseRun } from './run-summary.js';

function experiment(row: number, model: string): Experiment {
  return {
    row,
    provider: 'simulator',
    model,
    target: `simulator:${model}`,
    cells: {},
    request: { model, messages: [{ role: 'user', content: 'hi' }] },
  };
}

function ok(row: number, model: string, latencyMs: number, costUsd?: number): ExperimentResult {
  return {
    experiment: experiment(row, model),
    ok: true,
    output: 'hi',
    usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 4, reasoningTokens: 0 },
    ...(costUsd === undefined ? {} : { costUsd }),
    unpriced: costUsd === undefined,
    latencyMs,
    finishReason: 'stop',
  };
}

function failed(row: number, model: string, code: string): ExperimentResult {
  return {
    experiment: experiment(row, model),
    ok: false,
    output: '',
    unpriced: false,
    latencyMs: 1,
    error: { code, message: code },
  };
}

describe('run summary', () => {
  it('counts calls, failures by code, tokens, cost and median latency per target', () => {
    const results = [
      failed(4, 'gpt-4o-mini', 'server_error'),
      ok(1, 'gpt-4o-mini', 30, 0.002),
      ok(2, 'sim-echo', 5),
      failed(3, 'gpt-4o-mini', 'quota_exhausted'),
      ok(5, 'gpt-4o-mini', 10, 0.001),
      failed(6, 'gpt-4o-mini', 'quota_exhausted'),
    ];
    const [mini, echo] = summariseRun(results);
    expect(mini).toEqual({
      target: 'simulator:gpt-4o-mini',
      calls: 5,
      ok: 2,
      failed: [
        { code: 'quota_exhausted', count: 2 },
        { code: 'server_error', count: 1 },
      ],
      inputTokens: 20,
      outputTokens: 8,
      costUsd: 0.003,
      unpriced: 0,
      medianLatencyMs: 20,
    });
    expect(echo).toMatchObject({ calls: 1, ok: 1, costUsd: undefined, unpriced: 1 });

    const table = formatRunSummary([mini, echo].filter((summary) => summary !== undefined));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^provider:model\s+calls\s+ok\s+failed\s+input tok/);
    expect(lines[2]).toMatch(
      /^simulator:gpt-4o-mini\s+5\s+2\s+quota_exhausted 2, server_error 1\s+20\s+8\s+\$0\.003\s+20$/,
    );
    // Unpriced is said, never shown as $0.
    expect(lines[3]).toMatch(/^simulator:sim-echo\s+1\s+1\s+-\s+10\s+4\s+unpriced\s+5$/);
    expect(lines[4]).toMatch(
      /^total\s+6\s+3\s+quota_exhausted 2, server_error 1\s+30\s+12\s+\$0\.003 \+ 1 unpriced\s+-$/,
    );
  });

  it('takes the median of odd and even counts', () => {
    expect(median([])).toBeUndefined();
    expect(median([9, 1, 5])).toBe(5);
    expect(median([8, 2, 4, 100])).toBe(6);
  });
});
