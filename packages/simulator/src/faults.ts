import { createSeededRandom, type Random } from '@ply/core';

/** What can go wrong on a request, as the simulator can make it go wrong. */
export type Fault =
  /** 429 rate limit with `retry-after`, `retry-after-ms` and reset headers. */
  | { kind: 'rate-limit'; retryAfterMs?: number }
  /** 429 `insufficient_quota`. */
  | { kind: 'quota' }
  | { kind: 'server-error'; status?: 500 | 502 | 503 | 504 }
  /** The connection drops before any response header. */
  | { kind: 'reset-before-headers' }
  /** Headers are sent, then the connection drops before the first body byte or chunk. */
  | { kind: 'reset-after-headers' }
  /** The stream drops after `chunks` chunks. */
  | { kind: 'reset-after-chunks'; chunks: number }
  /** An `error` event in the stream after `afterChunks` chunks, then the end. */
  | { kind: 'error-event'; afterChunks?: number }
  /** A chunk that is not JSON after `afterChunks` chunks. */
  | { kind: 'malformed-chunk'; afterChunks?: number }
  /** No bytes for `ms` after `afterChunks` chunks, then the stream goes on. */
  | { kind: 'stall'; ms: number; afterChunks?: number }
  /** Headers only after `ms`. */
  | { kind: 'slow-headers'; ms: number }
  /** The body ends cleanly after `afterChunks` chunks, without `[DONE]`. */
  | { kind: 'cut-without-done'; afterChunks?: number }
  /**
   * A 200 to a request that did not stream whose body is not the endpoint's JSON: cut in
   * half, sent as an SSE stream, or a JSON object with none of the endpoint's fields.
   * Without `shape`, each such fault takes the next of the three in turn.
   */
  | { kind: 'malformed-body'; shape?: MalformedBodyShape };

export type FaultKind = Fault['kind'];

/** How a `malformed-body` fault breaks a JSON answer. */
export type MalformedBodyShape = 'truncated-json' | 'event-stream' | 'wrong-shape';

/** Faults that act on stream chunks: they cannot affect a plain JSON answer. */
const STREAM_ONLY: ReadonlySet<FaultKind> = new Set([
  'reset-after-chunks',
  'error-event',
  'malformed-chunk',
  'stall',
  'cut-without-done',
]);

/** Faults that act on a whole JSON body: a stream has `malformed-chunk` instead. */
const PLAIN_ONLY: ReadonlySet<FaultKind> = new Set(['malformed-body']);

/** Whether a fault of `kind` can affect a request that streams or not. */
function canAffect(kind: FaultKind, stream: boolean): boolean {
  return stream ? !PLAIN_ONLY.has(kind) : !STREAM_ONLY.has(kind);
}

/** Which requests a rule or a queued fault applies to; all given fields must match. */
export interface FaultMatch {
  /** Path, such as `/v1/chat/completions`. */
  path?: string;
  model?: string;
  /** A request header that must have this value. */
  header?: { name: string; value: string };
  stream?: boolean;
}

export interface RequestFacts {
  path: string;
  model: string | undefined;
  stream: boolean;
  headers: Headers;
}

interface Rule {
  match: FaultMatch;
  fault: Fault;
  remaining: number;
}

function matches(match: FaultMatch, facts: RequestFacts): boolean {
  if (match.path !== undefined && match.path !== facts.path) return false;
  if (match.model !== undefined && match.model !== facts.model) return false;
  if (match.stream !== undefined && match.stream !== facts.stream) return false;
  if (match.header && facts.headers.get(match.header.name) !== match.header.value) return false;
  return true;
}

/**
 * Decides the fault of each request: first the queue (scripted, in order), then rules
 * (matching requests, a number of times), then random faults at given rates drawn from a
 * seeded source, so a chaos run replays exactly.
 */
export class FaultInjector {
  readonly #queue: Rule[] = [];
  readonly #rules: Rule[] = [];
  #random:
    | {
        rates: Partial<Record<FaultKind, number>>;
        faults: Partial<Record<FaultKind, Fault>>;
        source: Random;
        match: FaultMatch;
      }
    | undefined;

  /** The next matching requests fail with these faults, one each, in order. */
  enqueue(faults: Fault | Fault[], match: FaultMatch = {}): this {
    for (const fault of Array.isArray(faults) ? faults : [faults])
      this.#queue.push({ match, fault, remaining: 1 });
    return this;
  }

  /** Requests matching `match` fail with `fault`, `times` times (every time by default). */
  addRule(match: FaultMatch, fault: Fault, times = Number.POSITIVE_INFINITY): this {
    if (!(times >= 1))
      throw new RangeError(`A fault rule applies at least once; times was ${times}`);
    this.#rules.push({ match, fault, remaining: times });
    return this;
  }

  /**
   * Each matching request draws once: with probability `rates[kind]` it gets that fault
   * (`faults[kind]` gives its parameters). Rates add up to at most 1.
   */
  setRandom(options: {
    seed: number;
    rates: Partial<Record<FaultKind, number>>;
    faults?: Partial<Record<FaultKind, Fault>>;
    match?: FaultMatch;
  }): this {
    const total = Object.values(options.rates).reduce((sum, rate) => sum + (rate ?? 0), 0);
    if (total > 1) throw new RangeError(`Fault rates add up to ${total}; at most 1`);
    this.#random = {
      rates: options.rates,
      faults: options.faults ?? {},
      source: createSeededRandom(options.seed),
      match: options.match ?? {},
    };
    return this;
  }

  clear(): this {
    this.#queue.length = 0;
    this.#rules.length = 0;
    this.#random = undefined;
    return this;
  }

  /** Faults still queued. */
  get pending(): number {
    return this.#queue.length;
  }

  next(facts: RequestFacts): Fault | undefined {
    // A fault that cannot affect this request (a stream fault on a plain request) waits.
    const applies = (rule: Rule) =>
      matches(rule.match, facts) && canAffect(rule.fault.kind, facts.stream);
    for (const list of [this.#queue, this.#rules]) {
      const index = list.findIndex(applies);
      if (index === -1) continue;
      const rule = list[index] as Rule;
      rule.remaining--;
      if (rule.remaining <= 0) list.splice(index, 1);
      return rule.fault;
    }
    const random = this.#random;
    if (!random || !matches(random.match, facts)) return undefined;
    let draw = random.source.next();
    for (const [kind, rate] of Object.entries(random.rates) as [FaultKind, number][]) {
      if (draw < rate)
        return canAffect(kind, facts.stream)
          ? (random.faults[kind] ?? defaultFault(kind))
          : undefined;
      draw -= rate;
    }
    return undefined;
  }
}

function defaultFault(kind: FaultKind): Fault {
  switch (kind) {
    case 'reset-after-chunks':
      return { kind, chunks: 3 };
    case 'stall':
      return { kind, ms: 1000, afterChunks: 2 };
    case 'slow-headers':
      return { kind, ms: 1000 };
    case 'error-event':
    case 'malformed-chunk':
    case 'cut-without-done':
      return { kind, afterChunks: 2 };
    default:
      return { kind } as Fault;
  }
}
