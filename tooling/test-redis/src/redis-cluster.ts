import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RedisProcess, spawnRedis } from './redis-process.ts';

const run = promisify(execFile);

/** A real Redis Cluster of masters (no replicas) on loopback, for tests of multi-key scripts. */
export interface RunningRedisCluster {
  /** Every master, as ioredis's `Cluster` takes its start-up nodes. */
  readonly nodes: readonly { host: '127.0.0.1'; port: number }[];
  /** Kills every node and removes their directories. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartRedisClusterOptions {
  /** Default 3, the fewest Redis accepts. */
  masters?: number;
  /** Default `redis-server` and `redis-cli` on the PATH. */
  serverBinary?: string;
  cliBinary?: string;
  /** How long to wait for the cluster to agree it is whole. Default 30 s. */
  startTimeoutMs?: number;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  server.on('error', () => {});
  server.listen(port, '127.0.0.1');
  const [event] = await Promise.race([once(server, 'listening'), once(server, 'error')]).then(
    () => ['listening'],
    () => ['error'],
  );
  if (event !== 'listening' || !server.listening) return false;
  server.close();
  await once(server, 'close');
  return true;
}

/** A port that is free together with its cluster bus port (port + 10000). */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) return port;
  }
  throw new Error('no free pair of loopback ports for a cluster node');
}

async function clusterIsWhole(cli: string, port: number): Promise<boolean> {
  try {
    const { stdout } = await run(cli, ['-p', String(port), 'cluster', 'info']);
    return /cluster_state:ok/.test(stdout);
  } catch {
    return false;
  }
}

/**
 * Starts `masters` cluster-enabled redis-servers that keep nothing on disk, joins them with
 * `redis-cli --cluster create` and waits until every node reports the cluster whole.
 */
export async function startRedisCluster(
  options: StartRedisClusterOptions = {},
): Promise<RunningRedisCluster> {
  const masters = options.masters ?? 3;
  const serverBinary = options.serverBinary ?? 'redis-server';
  const cli = options.cliBinary ?? 'redis-cli';
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const dir = mkdtempSync(join(tmpdir(), 'ply-test-redis-cluster-'));
  const processes: RedisProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(processes.splice(0).map((node) => node.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    for (let index = 0; index < masters; index++) {
      const port = await freeClusterPort(taken);
      taken.add(port).add(port + 10_000);
      const args = [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '5000',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ];
      const started = await spawnRedis(serverBinary, port, args, timeoutMs);
      if (typeof started === 'string') throw new Error(`a cluster node did not start: ${started}`);
      processes.push(started);
      ports.push(port);
    }
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run(cli, [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    const deadline = Date.now() + timeoutMs;
    for (const port of ports) {
      while (!(await clusterIsWhole(cli, port))) {
        if (Date.now() > deadline)
          throw new Error(`the cluster was not whole within ${timeoutMs}ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1' as const, port })), stop };
}
