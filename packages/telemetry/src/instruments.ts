import {
  type MeterProvider,
  metrics,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { ClientMetrics } from './client-metrics.js';
import { defaultProviderName, type ProviderNamer } from './target-attributes.js';

export interface TelemetryOptions {
  /** Where spans go. Default: the global tracer provider (what the OpenTelemetry SDK registers). */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider. */
  meterProvider?: MeterProvider;
  /**
   * Record prompts and completions (`gen_ai.input.messages`, `gen_ai.output.messages`) on
   * the call span. Off by default: they may hold personal data.
   */
  captureContent?: boolean;
  /** `gen_ai.provider.name` of a call. Default: the provider's id, `azure` as `azure.ai.openai`. */
  providerName?: ProviderNamer;
}

/** The instrumentation scope ply's spans and metrics are reported under. */
export const SCOPE = '@ply/telemetry';

/** What the call and attempt layers of one `telemetry()` share. */
export interface Instruments {
  readonly tracer: Tracer;
  readonly metrics: ClientMetrics;
  readonly captureContent: boolean;
  readonly providerName: ProviderNamer;
  /** Where the call layer leaves a call's state for its attempts (`ResolvedCall.shared`). */
  readonly callKey: object;
}

export function instruments(options: TelemetryOptions): Instruments {
  const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
  return {
    tracer: tracerProvider.getTracer(SCOPE),
    metrics: new ClientMetrics(meterProvider.getMeter(SCOPE)),
    captureContent: options.captureContent ?? false,
    providerName: options.providerName ?? defaultProviderName,
    callKey: {},
  };
}
