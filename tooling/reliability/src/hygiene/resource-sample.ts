// What a process holds at one moment: the resources that keep its event loop alive, by
// type, every TCP socket it opened and has not closed (kept-alive ones are unreferenced,
// so `getActiveResourcesInfo` alone does not show them), and its heap once collected.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

export interface ResourceSample {
  /** `process.getActiveResourcesInfo()` grouped: `{ Timeout: 2, TCPSocketWrap: 1 }`. */
  active: Record<string, number>;
  /** Client sockets opened and not yet closed, referenced or not. */
  openSockets: number;
  /** `heapUsed` after collections stop giving memory back. */
  heapUsed: number;
}

const openSockets = new Set<Socket>();

/** Counts sockets from now on; call once, before the first request. */
export function trackClientSockets(): void {
  diagnosticsChannel.subscribe('net.client.socket', (message) => {
    const { socket } = message as { socket: Socket };
    openSockets.add(socket);
    socket.once('close', () => openSockets.delete(socket));
  });
}

export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Heap in use once finalizers have run: collect until a collection gives nothing back. */
async function collectedHeap(): Promise<number> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('The hygiene worker needs --expose-gc');
  let previous = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 40; round++) {
    await turn();
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const used = process.memoryUsage().heapUsed;
    if (round >= 3 && used > previous * 0.995) return used;
    previous = Math.min(previous, used);
  }
  return previous;
}

export async function sampleResources(): Promise<ResourceSample> {
  const heapUsed = await collectedHeap();
  // Read after the collection's own short timers have fired.
  await turn();
  return { active: activeResources(), openSockets: openSockets.size, heapUsed };
}

/** Bytes as the reports print them. */
export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
