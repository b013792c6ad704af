// What @ply/telemetry costs a call (issue 19): with a no-op tracer (the API's default when
// no SDK is registered, target ≤ 3 µs a call) and with the SDK recording every span into
// its in-memory exporter (target ≤ 10% of a call). Calls go to a fixed-answer server in a
// separate process over loopback, and, for the absolute cost, to an in-memory provider
// where nothing else takes time. Ratios are paired round by round.

import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type Provider, wrapProvider } from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';
import { telemetry } from '@ply/telemetry';
import { measureInterleaved, note, printTable, repeat } from './measure.ts';
import { separateProcessServer } from './overhead/fixed-answer-transports.ts';
import { pairedRatio, times, verdict } from './peers/verdicts.ts';
import { bareProvider } from './ply-stack.ts';

const WITHOUT = 'no telemetry';
const NOOP = 'telemetry, no-op tracer';
const SDK = 'telemetry, SDK in-memory exporter';

function recordingTelemetry() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  // Spans pile up in the exporter: cleared each call, as a batch processor would drain them.
  return { otel: telemetry({ tracerProvider, meterProvider: new MeterProvider() }), exporter };
}

/** The same provider three ways: bare, with telemetry on a no-op tracer, with the SDK. */
function variants(make: () => Provider) {
  const noop = telemetry();
  const recording = recordingTelemetry();
  const withSdk = wrapProvider(make(), recording.otel.call, recording.otel.attempt);
  return [
    { name: WITHOUT, provider: wrapProvider(make()), after: () => {} },
    { name: NOOP, provider: wrapProvider(make(), noop.call, noop.attempt), after: () => {} },
    { name: SDK, provider: withSdk, after: () => recording.exporter.reset() },
  ];
}

async function run(title: string, make: () => Provider, model: string, smoke: boolean) {
  const calls = smoke ? 50 : 300;
  const rounds = smoke ? 1 : 31;
  const request = { model, messages: [{ role: 'user' as const, content: 'How fast is it?' }] };
  const rows = await measureInterleaved(
    variants(make).map(({ name, provider, after }) => ({
      name,
      run: repeat(calls, async () => {
        await provider.complete(request);
        after();
      }),
    })),
    { rounds, operationsPerRun: calls },
  );
  printTable(`${title} (${rounds} × ${calls} sequential calls)`, 'µs/call', rows, {
    baseline: WITHOUT,
  });
  return rows;
}

export async function benchTelemetry(smoke: boolean): Promise<void> {
  const inMemory = await run(
    'telemetry per call, in-memory provider',
    () => new InMemoryProvider(),
    'echo-1',
    smoke,
  );
  const median = (name: string) =>
    inMemory.find((row) => row.name === name)?.medianUs ?? Number.NaN;
  const noopUs = median(NOOP) - median(WITHOUT);
  note(
    `With a no-op tracer telemetry adds ${noopUs.toFixed(2)} µs a call: target ≤ 3 µs ${verdict(noopUs <= 3)}.`,
  );
  note(
    `With the SDK recording every span it adds ${(median(SDK) - median(WITHOUT)).toFixed(2)} µs a call.`,
  );

  const server = await separateProcessServer();
  try {
    const target = { baseURL: server.baseURL, apiKey: 'bench-not-a-key' };
    const overHttp = await run(
      'telemetry per call, fixed answers over loopback',
      () => bareProvider(target),
      'gpt-4o-mini',
      smoke,
    );
    const sdk = pairedRatio(overHttp, SDK, WITHOUT);
    note(
      `Paired ratios to the adapter alone: no-op ${times(pairedRatio(overHttp, NOOP, WITHOUT))}, SDK ${times(sdk)}.`,
    );
    note(
      `With the SDK's in-memory exporter a call takes ${times(sdk)}: target ≤ 1.10x ${verdict(sdk <= 1.1)}.`,
    );
  } finally {
    await server.close();
  }
}
