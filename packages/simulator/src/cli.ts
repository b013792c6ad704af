#!/usr/bin/env node
// ply-simulator: serve the simulator over HTTP. Ctrl-C (or SIGTERM) stops it.
import { parseArgs } from 'node:util';
import type { FaultKind } from './faults.js';
import { startSimulator } from './server.js';

const HELP = `Usage: ply-simulator [options]

  --port <n>            port to listen on (default 8080; 0 picks a free one)
  --host <address>      address to bind (default 127.0.0.1)
  --rpm <n>             requests per minute per key (default 10000)
  --tpm <n>             tokens per minute per key (default 10000000)
  --first-token-ms <n>  delay before a stream's first token (default 0)
  --token-ms <n>        delay between stream tokens (default 0)
  --batch-ms <n>        time a batch takes to complete (default 1000)
  --fault <kind=rate>   random fault rate, repeatable: --fault server-error=0.05
  --seed <n>            seed for random faults (default 1)
  --help                show this text
`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    rpm: { type: 'string' },
    tpm: { type: 'string' },
    'first-token-ms': { type: 'string' },
    'token-ms': { type: 'string' },
    'batch-ms': { type: 'string' },
    fault: { type: 'string', multiple: true },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function number(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`ply-simulator: --${name} must be a non-negative number, got "${text}"\n`);
    process.exit(2);
  }
  return value;
}

const rates: Partial<Record<FaultKind, number>> = {};
for (const entry of values.fault ?? []) {
  const [kind, rate] = entry.split('=');
  rates[kind as FaultKind] = number(`fault ${kind}`, rate);
}

const rpm = number('rpm', values.rpm);
const tpm = number('tpm', values.tpm);
const running = await startSimulator({
  port: number('port', values.port) ?? 8080,
  host: values.host,
  rateLimits: { ...(rpm === undefined ? {} : { rpm }), ...(tpm === undefined ? {} : { tpm }) },
  pace: {
    firstTokenDelayMs: number('first-token-ms', values['first-token-ms']) ?? 0,
    tokenDelayMs: number('token-ms', values['token-ms']) ?? 0,
  },
  batchCompletionMs: number('batch-ms', values['batch-ms']) ?? 1000,
});
if (Object.keys(rates).length > 0)
  running.simulator.faults.setRandom({ seed: number('seed', values.seed) ?? 1, rates });
process.stdout.write(`ply simulator listening on ${running.url}\n`);

const stop = () => {
  running.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
