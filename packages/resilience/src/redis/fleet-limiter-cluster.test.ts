// Issue requirement: the limiter's multi-key scripts work on a Redis Cluster. The same 4
// processes and invariants as fleet-limiter.test.ts, on a local 3-master cluster: every
// key of a limiter key shares its hash tag (`<prefix>{key}:...`), so each script touches
// one slot. Without the tag a grant's keys (each dimension's log, drain marker and total,
// and the sequence) hash to different slots, the cluster refuses every script with
// CROSSSLOT, and the workers exit with that error.
import { beforeAll } from 'vitest';
import { describeFleetLimiter, requireBuiltPackage } from './fleet.test-support.js';
import { sharedRedisCluster } from './redis-cluster.test-support.js';

beforeAll(requireBuiltPackage);
const cluster = sharedRedisCluster();

describeFleetLimiter('a 3-master Redis Cluster', () => ({ cluster: cluster.nodes }));
