// Peak heap while a case runs, over a clean start. Sampled by an unref'd 5 ms timer and by
// the reader (`sample()` every so many chunks): an in-process stream settles only promises,
// so timers may not fire until it ends. getHeapStatistics costs well under a microsecond.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | undefined;

/** A full collection without `--expose-gc` on the command line (`pnpm bench` runs bare). */
function collectGarbage(): void {
  if (!collector) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collector = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collector = runInNewContext('gc') as () => void;
    }
  }
  collector();
}

const usedHeap = () => getHeapStatistics().used_heap_size;

export class HeapPeak {
  readonly #baseline: number;
  #peak: number;
  readonly #timer: ReturnType<typeof setInterval>;

  /** Collects garbage, then starts sampling. */
  constructor() {
    collectGarbage();
    this.#baseline = usedHeap();
    this.#peak = this.#baseline;
    this.#timer = setInterval(() => this.sample(), 5);
    this.#timer.unref();
  }

  sample(): void {
    const used = usedHeap();
    if (used > this.#peak) this.#peak = used;
  }

  /** Stops sampling; the peak over the baseline, in MB. */
  stop(): number {
    clearInterval(this.#timer);
    this.sample();
    return (this.#peak - this.#baseline) / 1e6;
  }
}
