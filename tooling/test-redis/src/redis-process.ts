import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';

/** One redis-server process, started and answering PING. */
export interface RedisProcess {
  readonly child: ChildProcess;
  /** Kills it (SIGKILL, as a crash would) and waits for it to exit. Safe to call twice. */
  kill(): Promise<void>;
}

const MISSING = (binary: string) =>
  `${binary} was not found: the Redis tests need a real server. Install it with ` +
  '`apt-get install redis-server`, or run `source scripts/toolchain.sh && ply_ensure_test_services`.';

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

/**
 * Starts `binary` with `args` on loopback `port` and waits for its first PONG. Returns why
 * it did not start (a string) when it exited or stayed silent; throws when the binary is
 * missing.
 */
export async function spawnRedis(
  binary: string,
  port: number,
  args: readonly string[],
  timeoutMs: number,
): Promise<RedisProcess | string> {
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
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

  const kill = async () => {
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
    // Redis answers LOADING, not PONG, while it reads its append-only file back.
    if (await pingRedis(port)) return { child, kill };
    if (Date.now() > deadline) {
      await kill();
      return `no PONG on port ${port} within ${timeoutMs}ms: ${output.trim()}`;
    }
  }
}
