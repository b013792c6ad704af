import { inspect } from 'node:util';

/** Every way an error's text can reach a log, a response or a terminal. */
export function errorOutputs(error: unknown): Record<string, string> {
  const record = error as Record<string, unknown> & { toJSON?: () => unknown };
  const outputs: Record<string, string> = {
    message: error instanceof Error ? error.message : String(error),
    string: String(error),
    inspect: inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    json: JSON.stringify(error) ?? '',
  };
  if (typeof record.toJSON === 'function') outputs.toJSON = JSON.stringify(record.toJSON());
  for (const field of ['headers', 'raw', 'partial', 'field', 'rawArguments']) {
    if (record[field] !== undefined) outputs[field] = inspect(record[field], { depth: null });
  }
  return outputs;
}

/** Text of everything a run produced, by label: errors, results, events, ledger, stdio. */
export class OutputSink {
  readonly outputs = new Map<string, string>();

  add(label: string, value: unknown): void {
    const text =
      typeof value === 'string' ? value : inspect(value, { depth: null, showHidden: true });
    this.outputs.set(label, `${this.outputs.get(label) ?? ''}${text}\n`);
  }

  addError(label: string, error: unknown): void {
    for (const [form, text] of Object.entries(errorOutputs(error)))
      this.add(`${label} ${form}`, text);
  }
}

type Write = typeof process.stdout.write;

/**
 * Takes everything written to stdout and stderr, console included, into the sink while
 * `run` goes (and keeps it off the terminal: the run logs every error it meets).
 */
export async function capturingStdio<T>(sink: OutputSink, run: () => Promise<T>): Promise<T> {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, index) => {
    stream.write = ((chunk: unknown) => {
      sink.add(index === 0 ? 'stdout' : 'stderr', String(chunk));
      return true;
    }) as Write;
  });
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const consoleOriginals = consoleMethods.map((name) => console[name]);
  for (const name of consoleMethods) {
    console[name] = (...args: unknown[]) => {
      sink.add(`console.${name}`, args.map((arg) => inspect(arg, { depth: null })).join(' '));
    };
  }
  try {
    return await run();
  } finally {
    streams.forEach((stream, index) => {
      stream.write = originals[index] as Write;
    });
    consoleMethods.forEach((name, index) => {
      console[name] = consoleOriginals[index] as (typeof console)[typeof name];
    });
  }
}
