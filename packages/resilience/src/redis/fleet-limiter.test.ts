// Issue requirement: 4 worker processes sharing one Redis limiter against the simulator
// stay within one global RPM/TPM limit, as counted by the simulator's own request log, and
// the simulator, whose limits are the limiter's, never refuses one of their calls. The run
// and its invariants are in fleet.test-support.ts, shared with the Redis Cluster run.
import { type RunningRedisServer, startRedisServer } from '@ply/test-redis';
import { afterAll, beforeAll } from 'vitest';
import { describeFleetLimiter, requireBuiltPackage } from './fleet.test-support.js';

let redis: RunningRedisServer;

beforeAll(async () => {
  requireBuiltPackage();
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

describeFleetLimiter('one Redis', () => ({ redisPort: redis.port }));
