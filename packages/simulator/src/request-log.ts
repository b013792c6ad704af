import type { FaultKind } from './faults.js';

/** One request as the simulator saw and answered it. */
export interface LoggedRequest {
  /** 1, 2, 3... in arrival order. */
  sequence: number;
  /** Simulator clock, epoch ms. */
  at: number;
  method: string;
  path: string;
  model?: string;
  stream: boolean;
  /** Status sent, or 0 when the connection was dropped before headers. */
  status: number;
  requestId: string;
  fault?: FaultKind;
  /** The `Idempotency-Key` header, so tests can see retries of one logical call. */
  idempotencyKey?: string;
  /** The parsed JSON request body, when there was one. */
  body?: unknown;
  /** Text and tool-call arguments of choice 0 as generated (what a complete stream delivers). */
  outputText?: string;
  /** Stream chunks actually sent before the end or the fault. */
  chunksSent?: number;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** Every request the simulator served, so tests can count attempts exactly. */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  #sequence = 0;

  add(entry: Omit<LoggedRequest, 'sequence'>): LoggedRequest {
    const logged = { sequence: ++this.#sequence, ...entry };
    this.entries.push(logged);
    return logged;
  }

  /** Entries matching a path (and optionally a model). */
  filter(path: string, model?: string): LoggedRequest[] {
    return this.entries.filter(
      (entry) => entry.path === path && (model === undefined || entry.model === model),
    );
  }

  clear(): void {
    this.entries.length = 0;
  }
}
