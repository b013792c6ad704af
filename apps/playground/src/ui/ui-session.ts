import type { Fault } from '@ply/simulator';
import type { PlaygroundStack } from '../stack/playground-stack.js';

/** The fault toggles the UI offers, as the simulator's faults. */
const FAULT_PRESETS = {
  'rate-limit': { kind: 'rate-limit', retryAfterMs: 500 },
  quota: { kind: 'quota' },
  'server-error': { kind: 'server-error', status: 503 },
  'stream-cut': { kind: 'reset-after-chunks', chunks: 3 },
  stall: { kind: 'stall', ms: 3000, afterChunks: 2 },
} as const satisfies Record<string, Fault>;

export type FaultPreset = keyof typeof FAULT_PRESETS;

export const FAULT_PRESET_NAMES = Object.keys(FAULT_PRESETS) as FaultPreset[];

export interface FaultState {
  /** Toggles on: every call gets the fault. */
  always: FaultPreset[];
  /** Faults queued for the next calls, one call each. */
  pending: number;
}

/**
 * What the UI's API remembers between requests: which deployments were called (so the
 * state shows their circuits) and which faults it armed (the simulator's injector can
 * only be cleared as a whole, so toggling one off re-arms the others).
 */
export class UiSession {
  readonly #stack: PlaygroundStack;
  readonly #deployments = new Set<string>();
  readonly #always = new Set<FaultPreset>();
  #queued: FaultPreset[] = [];

  constructor(stack: PlaygroundStack) {
    this.#stack = stack;
  }

  /** Circuit-breaker keys called so far: `${baseURL}|${model}`, as resilience keys them. */
  get deployments(): string[] {
    return [...this.#deployments];
  }

  noteDeployment(key: string): void {
    this.#deployments.add(key);
  }

  faultState(): FaultState {
    return { always: [...this.#always], pending: this.#stack.simulator.faults.pending };
  }

  armOnce(preset: FaultPreset): void {
    this.#queued.push(preset);
    this.#stack.simulator.faults.enqueue({ ...FAULT_PRESETS[preset] });
  }

  setAlways(preset: FaultPreset, on: boolean): void {
    if (on === this.#always.has(preset)) return;
    if (on) {
      this.#always.add(preset);
      this.#stack.simulator.faults.addRule({}, { ...FAULT_PRESETS[preset] });
      return;
    }
    this.#always.delete(preset);
    this.#rearm();
  }

  clearFaults(): void {
    this.#always.clear();
    this.#queued = [];
    this.#stack.simulator.faults.clear();
  }

  #rearm(): void {
    const faults = this.#stack.simulator.faults;
    // The queue is consumed from its front (a stream fault waits for a streamed call), so
    // the last `pending` of ours are the ones still waiting.
    this.#queued = this.#queued.slice(this.#queued.length - faults.pending);
    faults.clear();
    for (const preset of this.#queued) faults.enqueue({ ...FAULT_PRESETS[preset] });
    for (const preset of this.#always) faults.addRule({}, { ...FAULT_PRESETS[preset] });
  }
}
