import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';

/**
 * A real `redis-server` on a free loopback port, for tests. It keeps nothing on disk
 * (`--save ''`, `--appendonly no`). Uses only Node's built-ins, so any package's tests can
 * import it. Start one per test file and `stop()` it in `afterAll` (or use
 * `sharedRedisServer` from `@ply/test-redis/vitest`).
 */
export interface RunningRedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly process: ChildProcess;
  /** Kills the server and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartRedisServerOptions {
  /** Default `redis-server` on the PATH. */
  binary?: string;
  /** How long to wait for the first PONG. Default 10 s. */
  startTimeoutMs?: number;
}

/**
 * How long a test lets a live Redis take to answer before its store counts it as down.
 * Long on purpose: on a loaded machine Redis and the test both wait for a core, and a
 * test of what a store decides must not fail because the machine was slow. Tests of
 * outages use a server that never answers and short timeouts of their own.
 */
export const REDIS_ANSWER_MS = 30_000;

const MISSING = (binary: string) =>
  `${binary} was not found: the Redis tests need a real server. Install it with ` +
  '`apt-get install redis-server`, or run `source scripts/toolchain.sh && ply_ensure_test_services`.';

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

/** Resolves true when the server answers PING with PONG. */
export function pingRedis(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

export async function startRedisServer(
  options: StartRedisServerOptions = {},
): Promise<RunningRedisServer> {
  const binary = options.binary ?? 'redis-server';
  let lastFailure = '';
  // A port freed by freeLoopbackPort can be taken by someone else before redis binds it.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freeLoopbackPort();
    const started = await startOn(binary, port, options.startTimeoutMs ?? 10_000);
    if (typeof started !== 'string') return started;
    lastFailure = started;
  }
  throw new Error(`redis-server did not start: ${lastFailure}`);
}

async function startOn(
  binary: string,
  port: number,
  timeoutMs: number,
): Promise<RunningRedisServer | string> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited) return;
    child.kill('SIGKILL');
    await exit;
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failed = await Promise.race([
      spawnError,
      exit.then(() => new Error(`it exited: ${output.trim()}`)),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50)),
    ]);
    if (failed) {
      process.removeListener('exit', killOnExit);
      if ((failed as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(MISSING(binary));
      return failed.message;
    }
    if (await pingRedis(port)) {
      return {
        host: '127.0.0.1',
        port,
        url: `redis://127.0.0.1:${port}`,
        process: child,
        stop,
      };
    }
    if (Date.now() > deadline) {
      await stop();
      return `no PONG on port ${port} within ${timeoutMs}ms: ${output.trim()}`;
    }
  }
}
