import { type CircuitState, type Clock, systemClock } from '@ply/core';
import {
  type BreakerCircuitStore,
  type CircuitAdmission,
  type CircuitDetails,
  closedDetails,
} from './breaker-store.js';
import { type CircuitBreakerConfig, openDurationMs } from './circuit-breaker-config.js';

interface Bucket {
  /** `floor(time / bucketMs)` of the calls it counts. */
  index: number;
  successes: number;
  failures: number;
}

interface Circuit {
  state: CircuitState;
  openedAt?: number;
  openUntil?: number;
  reopenCount: number;
  consecutiveFailures: number;
  buckets: Bucket[];
  /** Half-open: lease id to its expiry (epoch ms). */
  probes: Map<string, number>;
  probeSuccesses: number;
}

export interface MemoryCircuitStoreOptions {
  /** Decides every transition; tests pass a `ManualClock`. Default the system clock. */
  clock?: Clock;
}

/**
 * Circuit state in this process, one entry per key. Every transition is computed from
 * timestamps when a call is admitted or recorded, so no timer is kept alive. Each method
 * decides before it first awaits, so concurrent callers cannot both take the last probe.
 * A closed circuit whose window is empty is forgotten, streak of failures included (those
 * failures are older than the window), which bounds the memory.
 */
export class MemoryCircuitStore implements BreakerCircuitStore {
  readonly #clock: Clock;
  readonly #circuits = new Map<string, Circuit>();
  #nextLease = 0;

  constructor(options: MemoryCircuitStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async admit(key: string, config: CircuitBreakerConfig): Promise<CircuitAdmission> {
    return this.admitSync(key, config);
  }

  /** The same decision as `admit`, without the promise. */
  admitSync(key: string, config: CircuitBreakerConfig): CircuitAdmission {
    const now = this.#clock.now();
    const circuit = this.#circuits.get(key);
    if (!circuit) return { admitted: true, state: 'closed' };
    this.#advance(circuit, config, now);
    this.#forgetIfIdle(key, circuit);
    switch (circuit.state) {
      case 'closed':
        return { admitted: true, state: 'closed' };
      case 'isolated':
        return { admitted: false, retryAfterMs: Number.POSITIVE_INFINITY, state: 'isolated' };
      case 'open':
        return {
          admitted: false,
          retryAfterMs: Math.max(0, (circuit.openUntil ?? now) - now),
          state: 'open',
        };
      case 'half-open': {
        if (circuit.probes.size < config.halfOpenProbes) {
          const lease = `probe-${++this.#nextLease}`;
          circuit.probes.set(lease, now + config.probeLeaseMs);
          return { admitted: true, lease, state: 'half-open' };
        }
        // Full: the soonest a slot can free without a verdict is when a lease runs out.
        const soonest = Math.min(...circuit.probes.values());
        return { admitted: false, retryAfterMs: Math.max(1, soonest - now), state: 'half-open' };
      }
    }
  }

  async record(
    key: string,
    outcome: 'success' | 'failure',
    config: CircuitBreakerConfig,
    lease?: string,
  ): Promise<CircuitDetails> {
    return this.recordSync(key, outcome, config, lease);
  }

  /** The same as `record`, without the promise. */
  recordSync(
    key: string,
    outcome: 'success' | 'failure',
    config: CircuitBreakerConfig,
    lease?: string,
  ): CircuitDetails {
    const now = this.#clock.now();
    let circuit = this.#circuits.get(key);
    if (!circuit) {
      if (lease !== undefined) return closedDetails();
      circuit = freshCircuit();
      this.#circuits.set(key, circuit);
    }
    this.#advance(circuit, config, now);

    if (circuit.state === 'closed' && lease === undefined) {
      const bucketMs = config.windowMs / config.windowBuckets;
      const index = Math.floor(now / bucketMs);
      prune(circuit, index, config.windowBuckets);
      let bucket = circuit.buckets.at(-1);
      if (!bucket || bucket.index !== index) {
        bucket = { index, successes: 0, failures: 0 };
        circuit.buckets.push(bucket);
      }
      if (outcome === 'success') {
        bucket.successes++;
        circuit.consecutiveFailures = 0;
      } else {
        bucket.failures++;
        circuit.consecutiveFailures++;
      }
      const { calls, failures } = totals(circuit);
      const streak =
        config.consecutiveFailures > 0 && circuit.consecutiveFailures >= config.consecutiveFailures;
      const ratio =
        failures > 0 &&
        calls >= config.minimumThroughput &&
        failures / calls >= config.failureRatio;
      if (streak || ratio) open(circuit, now, openDurationMs(config, 0), 0);
    } else if (circuit.state === 'half-open' && lease !== undefined && circuit.probes.has(lease)) {
      circuit.probes.delete(lease);
      if (outcome === 'failure') {
        circuit.consecutiveFailures++;
        reopen(circuit, config, now);
      } else {
        circuit.probeSuccesses++;
        if (circuit.probeSuccesses >= config.probeSuccesses) {
          this.#circuits.set(key, freshCircuit());
          return closedDetails();
        }
      }
    }
    // Anything else is late news: a call admitted before the circuit opened, or a probe
    // whose lease expired or whose half-open period is over. It changes nothing.
    const details = describe(circuit, now);
    this.#forgetIfIdle(key, circuit);
    return details;
  }

  async release(key: string, lease: string): Promise<void> {
    this.releaseSync(key, lease);
  }

  /** The same as `release`, without the promise. */
  releaseSync(key: string, lease: string): void {
    this.#circuits.get(key)?.probes.delete(lease);
  }

  async snapshot(key: string): Promise<CircuitDetails> {
    const circuit = this.#circuits.get(key);
    return circuit ? describe(circuit, this.#clock.now()) : closedDetails();
  }

  async force(key: string, state: 'isolated' | 'closed'): Promise<void> {
    if (state === 'closed') {
      this.#circuits.delete(key);
      return;
    }
    const circuit = this.#circuits.get(key) ?? freshCircuit();
    circuit.state = 'isolated';
    circuit.openedAt = this.#clock.now();
    delete circuit.openUntil;
    circuit.probes.clear();
    circuit.probeSuccesses = 0;
    this.#circuits.set(key, circuit);
  }

  /** Every remembered circuit as plain data; keys not listed are closed with no history. */
  toJSON(): Record<string, CircuitDetails> {
    const now = this.#clock.now();
    const json: Record<string, CircuitDetails> = {};
    for (const [key, circuit] of this.#circuits) json[key] = describe(circuit, now);
    return json;
  }

  /** Applies what the passage of time implies: open ends, probe leases run out. */
  #advance(circuit: Circuit, config: CircuitBreakerConfig, now: number): void {
    if (circuit.state === 'open' && circuit.openUntil !== undefined && now >= circuit.openUntil) {
      circuit.state = 'half-open';
      circuit.probes.clear();
      circuit.probeSuccesses = 0;
    }
    if (circuit.state === 'half-open') {
      for (const expiry of circuit.probes.values()) {
        if (expiry <= now) {
          circuit.consecutiveFailures++;
          reopen(circuit, config, now);
          break;
        }
      }
    }
    if (circuit.state === 'closed') {
      prune(
        circuit,
        Math.floor(now / (config.windowMs / config.windowBuckets)),
        config.windowBuckets,
      );
    }
  }

  #forgetIfIdle(key: string, circuit: Circuit): void {
    if (circuit.state === 'closed' && circuit.buckets.length === 0) {
      this.#circuits.delete(key);
    }
  }
}

function freshCircuit(): Circuit {
  return {
    state: 'closed',
    reopenCount: 0,
    consecutiveFailures: 0,
    buckets: [],
    probes: new Map(),
    probeSuccesses: 0,
  };
}

/** Drops buckets that slid out of the window ending in bucket `index`. */
function prune(circuit: Circuit, index: number, windowBuckets: number): void {
  const first = index - windowBuckets + 1;
  while (circuit.buckets.length > 0 && (circuit.buckets[0]?.index ?? first) < first) {
    circuit.buckets.shift();
  }
  // A streak is remembered only while the window holds a call.
  if (circuit.buckets.length === 0) circuit.consecutiveFailures = 0;
}

function totals(circuit: Circuit): { calls: number; failures: number } {
  let calls = 0;
  let failures = 0;
  for (const bucket of circuit.buckets) {
    calls += bucket.successes + bucket.failures;
    failures += bucket.failures;
  }
  return { calls, failures };
}

function open(circuit: Circuit, now: number, forMs: number, reopenCount: number): void {
  circuit.state = 'open';
  circuit.openedAt = now;
  circuit.openUntil = now + forMs;
  circuit.reopenCount = reopenCount;
  circuit.probes.clear();
  circuit.probeSuccesses = 0;
}

function reopen(circuit: Circuit, config: CircuitBreakerConfig, now: number): void {
  const count = circuit.reopenCount + 1;
  open(circuit, now, openDurationMs(config, count), count);
}

function describe(circuit: Circuit, now: number): CircuitDetails {
  const { calls, failures } = totals(circuit);
  // An open circuit past its time admits probes: that is what it is, whoever asks.
  const state =
    circuit.state === 'open' && circuit.openUntil !== undefined && now >= circuit.openUntil
      ? 'half-open'
      : circuit.state;
  const details: CircuitDetails = {
    state,
    reopenCount: circuit.reopenCount,
    calls,
    failures,
    consecutiveFailures: circuit.consecutiveFailures,
    probesInFlight: state === 'half-open' ? circuit.probes.size : 0,
    probeSuccesses: state === 'half-open' ? circuit.probeSuccesses : 0,
  };
  if (circuit.openedAt !== undefined && state !== 'closed') details.openedAt = circuit.openedAt;
  if (circuit.openUntil !== undefined && (state === 'open' || state === 'half-open')) {
    details.openUntil = circuit.openUntil;
  }
  return details;
}
