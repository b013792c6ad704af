import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

// The real OpenTelemetry SDK, as an application sets it up, exporting to memory. The
// context manager is global (as the SDK registers it): it is what carries a call's span
// across its awaits.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

export interface TestTelemetry {
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  spans(): ReadableSpan[];
  /** Collects and returns every metric recorded so far. */
  metrics(): Promise<MetricData[]>;
  /** Everything exported, as one text: what a search for a secret must not find. */
  exportedText(): Promise<string>;
}

export function testTelemetry(): TestTelemetry {
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // The interval is never reached: tests collect with forceFlush.
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const metrics = async () => {
    await reader.forceFlush();
    const exported = metricExporter.getMetrics();
    return exported.at(-1)?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
  };
  return {
    tracerProvider,
    meterProvider,
    spans: () => spanExporter.getFinishedSpans(),
    metrics,
    async exportedText() {
      const spans = spanExporter.getFinishedSpans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
      }));
      return JSON.stringify({ spans, metrics: await metrics() });
    },
  };
}

export type HistogramPoint = DataPoint<Histogram>;

/** The histogram points of metric `name`. */
export function histogramPoints(metrics: MetricData[], name: string): HistogramPoint[] {
  const metric = metrics.find((candidate) => candidate.descriptor.name === name);
  return (metric?.dataPoints ?? []) as HistogramPoint[];
}

/** Spans whose parent is `parent`. */
export function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
}
