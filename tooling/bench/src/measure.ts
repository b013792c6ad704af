export interface Measurement {
  name: string;
  /** Median microseconds per call over the rounds. */
  medianUs: number;
  minUs: number;
  maxUs: number;
}

/** Runs `call` `iterations` times per round, sequentially, after one warm-up round. */
export async function measure(
  name: string,
  rounds: number,
  iterations: number,
  call: () => Promise<unknown>,
): Promise<Measurement> {
  const perCall: number[] = [];
  for (let round = -1; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < iterations; index++) await call();
    const elapsedUs = Number(process.hrtime.bigint() - started) / 1000;
    if (round >= 0) perCall.push(elapsedUs / iterations);
  }
  perCall.sort((a, b) => a - b);
  return {
    name,
    medianUs: perCall[Math.floor(perCall.length / 2)] ?? 0,
    minUs: perCall[0] ?? 0,
    maxUs: perCall.at(-1) ?? 0,
  };
}

export function printTable(rows: Measurement[], iterations: number, smoke: boolean): void {
  const baseline = rows[0]?.medianUs ?? 1;
  console.log(
    `${smoke ? 'smoke run' : 'full run'}: ${iterations} calls per round, Node ${process.version}`,
  );
  console.log('| case | median µs/call | min–max | ratio to first |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const row of rows) {
    const spread = `${row.minUs.toFixed(2)}–${row.maxUs.toFixed(2)}`;
    console.log(
      `| ${row.name} | ${row.medianUs.toFixed(2)} | ${spread} | ${(row.medianUs / baseline).toFixed(2)}x |`,
    );
  }
}
