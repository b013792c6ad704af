import { type RunningRedisServer, startRedisServer } from '@ply/test-redis';
import type { RedisChaos } from './chaos-options.ts';

/** A Redis that a soak kills and restarts on a schedule. */
export interface RedisOutages {
  readonly server: RunningRedisServer;
  /** Starts the schedule: up for `upMs`, killed, dead for `downMs`, restarted, and again. */
  start(): void;
  /** Ends the schedule with Redis running; resolves how many times it was killed. */
  stop(): Promise<number>;
  close(): Promise<void>;
}

export async function startRedisOutages(chaos: RedisChaos): Promise<RedisOutages> {
  const server = await startRedisServer({ persistence: chaos.persistence });
  let running = false;
  let kills = 0;
  let cycle: Promise<void> = Promise.resolve();
  let wake: (() => void) | undefined;
  /** Sleeps `ms`, or less when the schedule is stopped. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const schedule = async () => {
    while (running) {
      await pause(chaos.upMs);
      if (!running) return;
      await server.stop();
      kills++;
      await pause(chaos.downMs);
      await server.restart();
    }
  };
  return {
    server,
    start() {
      running = true;
      cycle = schedule();
    },
    async stop() {
      running = false;
      wake?.();
      await cycle;
      return kills;
    },
    close: () => server.stop(),
  };
}
