// Bundle-size budgets, checked by `pnpm test` (through `size-limit`) in this folder: each
// figure is the package's dist/index.js bundled for Node by esbuild, minified and brotli'd,
// with third-party packages external and the @ply packages it imports bundled in (see
// src/size/bundle-checks.ts). kB is 1000 bytes, as size-limit prints it.
//
// To change a budget: build (`pnpm exec turbo run build`), run `pnpm exec size-limit` here
// to see today's size, and set the package's limit below to about 10% above it, rounded up
// to 0.5 kB. Raise a budget only in the commit that explains the growth.
import { budgetChecks } from './src/size/bundle-checks.ts';

export const BUDGETS: Readonly<Record<string, string>> = {
  // Issue 16: core holds each stream's one reading loop (StreamRun) and the resolved call
  // (target grammar, endpoint identity, shared estimates) the other layers now read.
  '@ply/core': '11 kB',
  // Issue 16: the one OpenAI model catalogue, moved out of cost.
  '@ply/models': '4 kB',
  '@ply/response-models': '28.5 kB',
  // Issue 16: the adapter and the simulator bundle @ply/models, where each kept a smaller
  // table of its own before.
  '@ply/provider-openai': '47.5 kB',
  // Issue 17: a permit is re-dated when the server answers (restamp), an early-ended stream
  // reconciles to its tokens so far, a 429 drains the limit it names, and the Redis stores
  // share one health verdict and keep a non-empty hash tag.
  '@ply/resilience': '18.5 kB',
  // Issue 17: the Redis budget store keeps settlements it cannot record, notices a Redis
  // that lost its data (generation marker), runs on a cluster and shares the health verdict.
  '@ply/cost': '19.5 kB',
  '@ply/simulator': '22.5 kB',
  // The front door bundles every layer it builds the stack from (core, models, the adapter,
  // resilience, cost).
  '@ply/client': '70 kB',
  // Issue 19: the response cache (key, single flight, stream replay, stores) and
  // OpenTelemetry (call and attempt spans, policy events, GenAI metrics).
  '@ply/cache': '8.5 kB',
  '@ply/telemetry': '8.5 kB',
};

export default budgetChecks(BUDGETS);
