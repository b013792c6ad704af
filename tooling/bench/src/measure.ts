export interface Measurement {
  name: string;
  /** Median microseconds per operation over the rounds. */
  medianUs: number;
  minUs: number;
  maxUs: number;
}

export interface MeasureOptions {
  rounds: number;
  /** Operations one call of `run` performs, to report per-operation figures. */
  operationsPerRun: number;
}

/** Times `run` once per round after one warm-up round; reports per-operation figures. */
export async function measure(
  name: string,
  options: MeasureOptions,
  run: () => Promise<unknown> | unknown,
): Promise<Measurement> {
  const perOperation: number[] = [];
  for (let round = -1; round < options.rounds; round++) {
    const started = process.hrtime.bigint();
    await run();
    const elapsedUs = Number(process.hrtime.bigint() - started) / 1000;
    if (round >= 0) perOperation.push(elapsedUs / options.operationsPerRun);
  }
  perOperation.sort((a, b) => a - b);
  return {
    name,
    medianUs: perOperation[Math.floor(perOperation.length / 2)] ?? 0,
    minUs: perOperation[0] ?? 0,
    maxUs: perOperation.at(-1) ?? 0,
  };
}

/** Sequential calls of an async function, `count` times: one run of `measure`. */
export function repeat(count: number, call: () => Promise<unknown> | unknown): () => Promise<void> {
  return async () => {
    for (let index = 0; index < count; index++) await call();
  };
}

export function printTable(title: string, unit: string, rows: Measurement[]): void {
  const baseline = rows[0]?.medianUs ?? 1;
  console.log(`\n### ${title}\n`);
  console.log(`| case | median ${unit} | min–max | ratio to first |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (const row of rows) {
    const spread = `${row.minUs.toFixed(2)}–${row.maxUs.toFixed(2)}`;
    const ratio = (row.medianUs / baseline).toFixed(2);
    console.log(`| ${row.name} | ${row.medianUs.toFixed(2)} | ${spread} | ${ratio}x |`);
  }
}
