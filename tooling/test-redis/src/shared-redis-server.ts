import { randomUUID } from 'node:crypto';
import { type RunningRedisServer, startRedisServer } from '@ply/test-redis';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

export interface SharedRedisServer {
  /** The server's port, once `beforeAll` has run. */
  readonly port: number;
  /** A client to it; every client is disconnected in `afterAll`. */
  connect(options?: RedisOptions): Redis;
  /** A fresh key space on the shared server, one per test. */
  freshPrefix(): string;
}

/**
 * One redis-server for a test file: started in `beforeAll`, stopped (with every client
 * `connect` made) in `afterAll`. Call it at the top of the file.
 */
export function sharedRedisServer(): SharedRedisServer {
  let server: RunningRedisServer | undefined;
  const clients: Redis[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });
  const port = () => {
    if (server === undefined) throw new Error('sharedRedisServer: used before beforeAll');
    return server.port;
  };
  return {
    get port() {
      return port();
    },
    connect: (options = {}) => {
      const redis = new Redis({
        host: '127.0.0.1',
        port: port(),
        maxRetriesPerRequest: 1,
        ...options,
      });
      redis.on('error', () => {}); // Outages are the point of some tests; ioredis would log them.
      clients.push(redis);
      return redis;
    },
    freshPrefix: () => `test:${randomUUID()}:`,
  };
}
