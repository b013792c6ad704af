// What ply's own packages share and applications need not: how long runs are cut for the
// tokenizer (cost and the simulator count alike), and the abort race the policies use.
// No stability promise: these change with the packages that use them.
export { raceAbort } from '../abort.js';
export { redactKeys } from '../errors/redact-secrets.js';
export { longRunCuts, MAX_RUN_BYTES, type RunCuts, splitAt } from '../long-run-cuts.js';
export { StreamAggregator } from '../stream-aggregator.js';
