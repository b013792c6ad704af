import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * Lines from the input, one at a time, on demand. Readline's own async iterator is not
 * used: lines that arrive before the first `next()` (a piped file read in one go) would
 * be lost, and a close would drop lines still queued. Here every line is queued as it
 * arrives and EOF ends the queue only after the last line was taken.
 */
export class LineReader {
  readonly interface: Interface;
  readonly #queue: string[] = [];
  #waiter: ((line: string | undefined) => void) | undefined;
  #ended = false;

  constructor(options: { input: Readable; output?: Writable; terminal: boolean }) {
    this.interface = createInterface({
      input: options.input,
      ...(options.terminal && options.output ? { output: options.output } : {}),
      terminal: options.terminal,
    });
    this.interface.on('line', (line) => this.#push(line));
    this.interface.on('close', () => this.#end());
  }

  /** The next line, or `undefined` once the input has ended and every line was read. */
  next(): Promise<string | undefined> {
    const line = this.#queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  /** Stops reading now: lines still queued are dropped (the user asked to leave). */
  close(): void {
    this.#queue.length = 0;
    this.interface.close();
  }

  #push(line: string): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) waiter(line);
    else this.#queue.push(line);
  }

  #end(): void {
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(undefined);
  }
}
