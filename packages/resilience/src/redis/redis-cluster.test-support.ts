import { randomUUID } from 'node:crypto';
import { type RunningRedisCluster, startRedisCluster } from '@ply/test-redis/cluster';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

/** Starting three cluster nodes and joining them takes seconds on a loaded machine. */
const CLUSTER_START_TIMEOUT_MS = 120_000;

export interface SharedRedisCluster {
  /** The masters, as ioredis's `Cluster` (or a worker process) takes its start-up nodes. */
  readonly nodes: RunningRedisCluster['nodes'];
  /** A cluster client; every client is disconnected in `afterAll`. */
  connect(): Cluster;
  /** A fresh key space on the shared cluster, one per test. */
  freshPrefix(): string;
  /**
   * One name per master, `<stem>-<n>`, such that `prefix + name` hashes to a slot that
   * master owns: a test over these names reaches every node of the cluster.
   */
  namesOnEveryMaster(prefix: string, stem: string): Promise<string[]>;
}

type SlotRange = [from: number, to: number, master: [host: string, port: number, ...unknown[]]];

/**
 * One 3-master Redis Cluster for a test file: started in `beforeAll`, stopped (with every
 * client `connect` made) in `afterAll`. Call it at the top of the file.
 */
export function sharedRedisCluster(): SharedRedisCluster {
  let cluster: RunningRedisCluster | undefined;
  const clients: Cluster[] = [];
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, CLUSTER_START_TIMEOUT_MS);
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await cluster?.stop();
  });
  const running = () => {
    if (cluster === undefined) throw new Error('sharedRedisCluster: used before beforeAll');
    return cluster;
  };
  const connect = () => {
    const client = new Cluster([...running().nodes], {
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    client.on('error', () => {}); // ioredis would log what a test may cause on purpose.
    clients.push(client);
    return client;
  };
  return {
    get nodes() {
      return running().nodes;
    },
    connect,
    freshPrefix: () => `test:${randomUUID()}:`,
    async namesOnEveryMaster(prefix, stem) {
      const client = connect();
      const ranges = (await client.cluster('SLOTS')) as unknown as SlotRange[];
      const ownerOf = (slot: number) => {
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        if (!range) throw new Error(`no master owns slot ${slot}`);
        return `${range[2][0]}:${range[2][1]}`;
      };
      const masters = new Set(ranges.map(([, , [host, port]]) => `${host}:${port}`));
      const names = new Map<string, string>();
      for (let n = 0; names.size < masters.size; n++) {
        if (n > 10_000) throw new Error('no name found for every master');
        const name = `${stem}-${n}`;
        const owner = ownerOf(await client.cluster('KEYSLOT', prefix + name));
        if (!names.has(owner)) names.set(owner, name);
      }
      return [...names.values()];
    },
  };
}
