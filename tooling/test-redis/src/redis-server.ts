import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// `.ts` specifiers: the bench loads this file with plain Node (type stripping), not vitest.
import { type RedisProcess, spawnRedis } from './redis-process.ts';

export { pingRedis } from './redis-process.ts';

/**
 * What a test server keeps on disk. `none`: nothing (`--save ''`, `--appendonly no`), so a
 * restarted server is empty, as a cache without persistence comes back. `aof`: an
 * append-only file in a fresh temporary directory, written before each reply
 * (`appendfsync always`), so a restarted server holds everything it acknowledged.
 */
export type RedisPersistence = 'none' | 'aof';

/**
 * A real `redis-server` on a free loopback port, for tests. Uses only Node's built-ins, so
 * any package's tests can import it. Start one per test file and `stop()` it in `afterAll`
 * (or use `sharedRedisServer` from `@ply/test-redis/vitest`).
 */
export interface RunningRedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The running redis-server: a new process after each `restart()`. */
  readonly process: ChildProcess;
  readonly persistence: RedisPersistence;
  /** Kills the server (SIGKILL, as a crash would) and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Kills the server if it runs, then starts it again on the same port with the same
   * directory: with `aof` it comes back with its data, with `none` empty. Clients
   * reconnect to it as they would to a real server that restarted.
   */
  restart(): Promise<void>;
}

export interface StartRedisServerOptions {
  /** Default `redis-server` on the PATH. */
  binary?: string;
  /** How long to wait for the first PONG. Default 10 s. */
  startTimeoutMs?: number;
  /** Default `none`. */
  persistence?: RedisPersistence;
}

/**
 * How long a test lets a live Redis take to answer before its store counts it as down.
 * Long on purpose: on a loaded machine Redis and the test both wait for a core, and a
 * test of what a store decides must not fail because the machine was slow. Tests of
 * outages use a server that never answers and short timeouts of their own.
 */
export const REDIS_ANSWER_MS = 30_000;

/** A port that was free a moment ago: bind port 0 on loopback, read it, close. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port was assigned');
  return address.port;
}

/** The server's arguments beyond its port: where and whether it keeps its data. */
function persistenceArgs(persistence: RedisPersistence, dir: string): string[] {
  const common = ['--save', '', '--dir', dir];
  if (persistence === 'none') return [...common, '--appendonly', 'no'];
  return [...common, '--appendonly', 'yes', '--appendfsync', 'always'];
}

/** A fresh directory for an `aof` server, removed when this process exits. */
function dataDirectory(persistence: RedisPersistence): string {
  if (persistence === 'none') return tmpdir();
  const dir = mkdtempSync(join(tmpdir(), 'ply-test-redis-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function startRedisServer(
  options: StartRedisServerOptions = {},
): Promise<RunningRedisServer> {
  const binary = options.binary ?? 'redis-server';
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const persistence = options.persistence ?? 'none';
  if (persistence !== 'none' && persistence !== 'aof') {
    throw new Error(`persistence must be 'none' or 'aof', got ${String(persistence)}`);
  }
  const args = persistenceArgs(persistence, dataDirectory(persistence));
  let lastFailure = '';
  // A port freed by freeLoopbackPort can be taken by someone else before redis binds it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const started = await spawnRedis(binary, port, args, timeoutMs);
    if (typeof started === 'string') {
      lastFailure = started;
      continue;
    }
    /** The process running now; undefined while stopped. */
    let current: RedisProcess | undefined = started;
    /** The last process started, for `process`. */
    let latest = started.child;
    return {
      host: '127.0.0.1',
      port,
      url: `redis://127.0.0.1:${port}`,
      persistence,
      get process() {
        return latest;
      },
      stop: async () => {
        const running = current;
        current = undefined;
        await running?.kill();
      },
      restart: async () => {
        const running = current;
        current = undefined;
        await running?.kill();
        const again = await spawnRedis(binary, port, args, timeoutMs);
        if (typeof again === 'string') throw new Error(`redis-server did not restart: ${again}`);
        current = again;
        latest = again.child;
      },
    };
  }
  throw new Error(`redis-server did not start: ${lastFailure}`);
}
