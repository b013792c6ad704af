import type { ServerResponse } from 'node:http';
import { CallLog, type CallLogOptions } from './call-log.js';
import type { GatewayRoute } from './call-outcome.js';
import { GatewayCall } from './gateway-call.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { ModelLabels } from './model-label.js';

export interface GatewayObserverOptions {
  /** Masks every secret the server knows (providers' keys, the gateway key). */
  redact: (text: string) => string;
  log?: CallLogOptions;
}

/**
 * Watches every gateway call: counts it in the gateway's metrics and writes its log
 * line when it ends, however it ends (answered, failed, or left by its client).
 */
export class GatewayObserver {
  readonly metrics = new GatewayMetrics();
  readonly #log: CallLog;
  readonly #labels: ModelLabels;
  readonly #redact: (text: string) => string;

  constructor(options: GatewayObserverOptions) {
    this.#redact = options.redact;
    this.#labels = new ModelLabels({ redact: options.redact });
    this.#log = new CallLog(options.log);
  }

  /**
   * Runs a route's work as one observed call, inside the call's trace so its attempts
   * and decisions are attributed to it. A failure is recorded and rethrown for the
   * server's error envelope.
   */
  async observe(
    route: GatewayRoute,
    response: ServerResponse,
    run: (call: GatewayCall) => Promise<void>,
  ): Promise<void> {
    const ended = this.metrics.started(route);
    const call = new GatewayCall({
      route,
      response,
      redact: this.#redact,
      modelLabel: (providerId, model, answered) => this.#labels.of(providerId, model, answered),
    });
    try {
      await call.trace.run(() => run(call));
    } catch (error) {
      call.failed(error);
      throw error;
    } finally {
      ended();
      const outcome = call.outcome();
      this.metrics.record(outcome);
      this.#log.write(outcome);
    }
  }
}
