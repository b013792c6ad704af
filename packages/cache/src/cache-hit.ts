import {
  type CallMetadata,
  type ChatResult,
  ChatStream,
  type ChatStreamEvent,
  type Clock,
  type CostSummary,
  createUsage,
  type EmbedResult,
  type ResolvedCall,
} from '@ply/core';
import type { CacheEntry, RecordedEvent } from './cache-entry.js';
import type { CacheLedger, CacheLedgerEntry } from './cache-options.js';

/** What a hit costs: nothing, at the tier the stored answer was served at. */
function zeroCost(tier: string | undefined): CostSummary {
  return {
    amount: 0,
    currency: 'USD',
    unpriced: false,
    estimated: false,
    tier: tier ?? 'default',
    lines: [],
  };
}

/** A stored answer as a hit returns it: marked cached, costing nothing. */
export function hitResult<R extends ChatResult | EmbedResult>(
  result: R,
  key: string,
  storedAt: number,
): R {
  const meta = { ...result.meta, cache: { hit: true as const, key, storedAt } };
  if (!('choices' in result)) return { ...result, meta };
  return { ...result, meta, cost: zeroCost(result.meta.serviceTier) };
}

/** A stored stream, replayed as the same events, at once or with their original pauses. */
export function replayStream(
  entry: Extract<CacheEntry, { kind: 'stream' }>,
  result: ChatResult,
  options: { signal: AbortSignal; pace?: Clock },
): ChatStream {
  const cost = result.cost;
  const { pace } = options;
  return new ChatStream(
    async function* replay(signal) {
      let at = 0;
      for (const { event, atMs } of entry.events as RecordedEvent[]) {
        if (pace && atMs > at) {
          await pace.sleep(atMs - at, signal);
          at = atMs;
        }
        yield (event.type === 'cost' && cost ? { ...event, cost } : event) as ChatStreamEvent;
      }
      return { result };
    },
    { signal: options.signal },
  );
}

/** Records a hit on the ledger: zero cost, and what the stored answer cost when made. */
export function recordHit(
  ledger: CacheLedger | undefined,
  call: ResolvedCall,
  metadata: CallMetadata | undefined,
  entry: CacheEntry,
): void {
  if (ledger === undefined) return;
  const { result } = entry;
  const scope: CacheLedgerEntry['scope'] = {};
  if (metadata?.user) scope.user = metadata.user;
  if (metadata?.project) scope.project = metadata.project;
  if (metadata?.budgetScope) scope.budgetScope = metadata.budgetScope;
  if (metadata?.tags) scope.tags = metadata.tags;
  const saved = 'cost' in result ? result.cost : undefined;
  ledger.record({
    provider: call.target.providerId,
    model: result.model || (call.target.model ?? 'unknown'),
    scope,
    usage: createUsage(),
    cost: zeroCost(result.meta.serviceTier),
    estimated: false,
    stream: entry.kind === 'stream',
    cached: true,
    ...(saved ? { saved } : {}),
  });
}
