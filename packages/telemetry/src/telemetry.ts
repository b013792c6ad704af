import type { Middleware } from '@ply/core';
import { attemptLayer } from './attempt-layer.js';
import { callLayer } from './call-layer.js';
import { instruments, type TelemetryOptions } from './instruments.js';
import { type PolicyEvent, spanEvents } from './policy-events.js';

/** OpenTelemetry for a provider stack: two layers and a listener (see `telemetry`). */
export interface Telemetry {
  /** The outermost middleware: the call span and the GenAI client metrics. */
  readonly call: Middleware;
  /** The innermost middleware: a child span per attempt. */
  readonly attempt: Middleware;
  /** An `onEvent` listener for ply's policies: their decisions as events on the call span. */
  readonly events: (event: PolicyEvent) => void;
}

/**
 * Traces and measures calls by the OpenTelemetry GenAI semantic conventions. Place `call`
 * first and `attempt` last, and pass `events` to the policies in between:
 *
 *     const otel = telemetry();
 *     wrapProvider(openai, otel.call, resilience({ onEvent: otel.events }), otel.attempt);
 */
export function telemetry(options: TelemetryOptions = {}): Telemetry {
  const shared = instruments(options);
  return { call: callLayer(shared), attempt: attemptLayer(shared), events: spanEvents };
}
