// A client reading a stream workload as one measureInterleaved case, with what the table
// needs beside time: text chunks each stream read, time to first text, peak heap.
import type { RequestLog } from '@ply/simulator';
import type { BenchCase } from '../measure.ts';
import { HeapPeak } from './heap-peak.ts';
import type { StreamClient } from './peer.ts';

export interface StreamWorkload {
  prompt: string;
  /** Streams read at once. */
  streams: number;
}

export interface StreamCaseStats {
  /** Per timed round, the median over its streams of call start → first text chunk, ms. */
  firstTextMs: number[];
  /** Every count of text chunks a stream read (one value when all read the same stream). */
  chunksPerStream: Set<number>;
  peakHeapMB?: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Streams a warm-up reads before the heap is sampled: JIT-warm, as in the timed rounds. */
const WARM_UP_STREAMS = 4;

/**
 * measureInterleaved runs each case once, untimed, before its rounds. Here that run warms
 * up with a few streams, then samples peak heap over one full workload after a garbage
 * collection; the timed rounds never sample. The simulator's log is cleared per run (it
 * keeps every request) so every case starts from the same heap.
 */
export function streamCase(
  client: StreamClient,
  workload: StreamWorkload,
  log: RequestLog,
): { bench: BenchCase; stats: StreamCaseStats } {
  const stats: StreamCaseStats = { firstTextMs: [], chunksPerStream: new Set() };
  const readOne = async (heap?: HeapPeak): Promise<number> => {
    const started = performance.now();
    let firstText = Number.NaN;
    let chunks = 0;
    await client.stream(workload.prompt, () => {
      if (chunks === 0) firstText = performance.now() - started;
      chunks++;
      if (heap && chunks % 128 === 0) heap.sample();
    });
    stats.chunksPerStream.add(chunks);
    return firstText;
  };
  const readAll = (heap?: HeapPeak) =>
    Promise.all(Array.from({ length: workload.streams }, () => readOne(heap)));

  let runs = 0;
  const run = async () => {
    log.clear();
    if (runs++ === 0) {
      await Promise.all(
        Array.from({ length: Math.min(WARM_UP_STREAMS, workload.streams) }, () => readOne()),
      );
      log.clear();
      const heap = new HeapPeak();
      await readAll(heap);
      stats.peakHeapMB = heap.stop();
      return;
    }
    stats.firstTextMs.push(median(await readAll()));
  };
  return { bench: { name: client.name, run }, stats };
}
