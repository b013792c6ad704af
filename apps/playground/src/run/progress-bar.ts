/** Where progress goes: stderr, usually. `isTTY` decides between a bar and log lines. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  total: number;
  output: ProgressOutput;
  /** Milliseconds, for elapsed time and the estimate of what is left. */
  now?: () => number;
}

export interface ProgressState {
  done: number;
  failed: number;
  inFlight?: number;
}

const BAR_WIDTH = 30;
/** A terminal is redrawn at most this often (plus the last update): fast rows would flicker. */
const REDRAW_MS = 100;

/**
 * Progress of a run. On a terminal, one line redrawn in place; elsewhere (CI logs, a pipe),
 * a line at every 10% so logs stay short and readable.
 */
export class ProgressBar {
  readonly #total: number;
  readonly #output: ProgressOutput;
  readonly #now: () => number;
  readonly #started: number;
  #lastDecile = 0;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(options: ProgressBarOptions) {
    this.#total = options.total;
    this.#output = options.output;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
  }

  update(state: ProgressState): void {
    if (this.#total <= 0) return;
    if (this.#output.isTTY) {
      const now = this.#now();
      if (now - this.#lastDraw < REDRAW_MS && state.done < this.#total) return;
      this.#lastDraw = now;
      this.#output.write(`\r\x1b[2K${this.#line(state)}`);
      this.#drawn = true;
      return;
    }
    const decile = Math.floor((state.done * 10) / this.#total);
    if (decile <= this.#lastDecile) return;
    this.#lastDecile = decile;
    const failed = state.failed === 0 ? '' : `, ${state.failed} failed`;
    this.#output.write(`ply run: ${decile * 10}% (${state.done}/${this.#total} rows${failed})\n`);
  }

  /** A message between updates, on its own line; a terminal's bar is redrawn below it. */
  note(text: string): void {
    if (this.#output.isTTY) {
      this.#output.write(`\r\x1b[2K${text}\n`);
      this.#drawn = false;
      this.#lastDraw = Number.NEGATIVE_INFINITY;
    } else this.#output.write(`ply run: ${text}\n`);
  }

  /** Leaves the terminal's cursor on a fresh line. */
  finish(): void {
    if (this.#drawn) this.#output.write('\n');
    this.#drawn = false;
  }

  #line(state: ProgressState): string {
    const { done, failed } = state;
    const fraction = Math.min(1, done / this.#total);
    const elapsedMs = this.#now() - this.#started;
    const parts = [
      `${done}/${this.#total}`,
      `${Math.floor(fraction * 100)}%`,
      ...(failed > 0 ? [`${failed} failed`] : []),
      ...(state.inFlight ? [`${state.inFlight} running`] : []),
      seconds(elapsedMs),
      ...(done > 0 && done < this.#total
        ? [`~${seconds((elapsedMs / done) * (this.#total - done))} left`]
        : []),
    ];
    const text = parts.join(' · ');
    // Some terminals report 0 columns; assume the classic 80 then.
    const columns = this.#output.columns || 80;
    // Shrink the bar rather than wrap: a wrapped line cannot be redrawn with \r.
    const width = Math.min(BAR_WIDTH, columns - text.length - 4);
    if (width < 5) return text.slice(0, columns - 1);
    const filled = Math.round(fraction * width);
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${text}`;
  }
}

function seconds(ms: number): string {
  const total = Math.round(ms / 1000);
  return total < 60 ? `${total}s` : `${Math.floor(total / 60)}m${total % 60}s`;
}
