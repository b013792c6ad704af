import {
  type Clock,
  ConfigurationError,
  type CostSummary,
  systemClock,
  type Usage,
} from '@ply/core';

/** One call as the ledger keeps it. */
export interface LedgerEntry {
  /** Epoch ms. */
  at: number;
  provider: string;
  model: string;
  /** Who and what the call was for: user, project, budget scope, tags. */
  scope: { user?: string; project?: string; budgetScope?: string; tags?: string[] };
  usage: Usage;
  cost: CostSummary;
  /** True when usage or cost was estimated (an aborted stream). */
  estimated: boolean;
  requestId?: string;
  stream: boolean;
  /**
   * How the budget recorded the call's cost, when not at once: `pending` while the store
   * (Redis) is unreachable and keeps the settlement, `late` once it recorded it after
   * all, `lost` when it could not (the reservation expired first), `failed` when the
   * store refused the settlement outright. Absent when recorded at once or unbudgeted.
   */
  settlement?: LedgerSettlement;
  /**
   * True when a response cache (`@ply/cache`) served the call: nothing reached the
   * provider, `cost` is zero, and `saved` is what the stored answer cost when it was made.
   */
  cached?: true;
  /** What a cached call would have cost had it gone to the provider (its stored cost). */
  saved?: CostSummary;
}

export type LedgerSettlement = 'pending' | 'late' | 'lost' | 'failed';

export type LedgerGrouping =
  | 'model'
  | 'provider'
  | 'user'
  | 'project'
  | 'budgetScope'
  | 'tag'
  | 'day';

export interface LedgerSummaryRow {
  key: string;
  calls: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** USD, over priced calls only. */
  cost: number;
  /** Calls whose model had no price: not counted in `cost`, never as zero. */
  unpricedCalls: number;
  estimatedCalls: number;
}

const CSV_COLUMNS = [
  'at',
  'provider',
  'model',
  'user',
  'project',
  'budgetScope',
  'tags',
  'inputTokens',
  'cachedInputTokens',
  'outputTokens',
  'reasoningTokens',
  'cost',
  'unpriced',
  'estimated',
  'tier',
  'requestId',
  'stream',
  'settlement',
  'cached',
  'saved',
] as const;

function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Every call, its usage and its cost, in memory and bounded (the oldest entries go first
 * past `maxEntries`), with summaries and exports for dashboards and bills.
 */
export class UsageLedger {
  /** A ring once full: the oldest entry is overwritten in place, so a record is O(1). */
  readonly #ring: LedgerEntry[] = [];
  /** Where the oldest entry sits once the ring is full (the next one to overwrite). */
  #oldest = 0;
  readonly #maxEntries: number;
  readonly #clock: Clock;

  constructor(options: { maxEntries?: number; clock?: Clock } = {}) {
    const maxEntries = options.maxEntries ?? 100_000;
    if (!(Number.isSafeInteger(maxEntries) && maxEntries > 0)) {
      throw new ConfigurationError('UsageLedger: `maxEntries` must be a positive integer');
    }
    this.#maxEntries = maxEntries;
    this.#clock = options.clock ?? systemClock;
  }

  record(entry: Omit<LedgerEntry, 'at'> & { at?: number }): LedgerEntry {
    const recorded: LedgerEntry = { ...entry, at: entry.at ?? this.#clock.now() };
    if (this.#ring.length < this.#maxEntries) {
      this.#ring.push(recorded);
    } else {
      this.#ring[this.#oldest] = recorded;
      this.#oldest = (this.#oldest + 1) % this.#maxEntries;
    }
    return recorded;
  }

  /** Entries oldest first. */
  get #entries(): readonly LedgerEntry[] {
    if (this.#oldest === 0) return this.#ring;
    return [...this.#ring.slice(this.#oldest), ...this.#ring.slice(0, this.#oldest)];
  }

  entries(filter: (entry: LedgerEntry) => boolean = () => true): LedgerEntry[] {
    return this.#entries.filter(filter);
  }

  /** Totals grouped by `by`; a call with several tags counts once under each. */
  summary(by: LedgerGrouping): LedgerSummaryRow[] {
    const rows = new Map<string, LedgerSummaryRow>();
    for (const entry of this.#entries) {
      for (const key of keysOf(entry, by)) {
        const row = rows.get(key) ?? {
          key,
          calls: 0,
          inputTokens: 0,
          cachedInputTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          cost: 0,
          unpricedCalls: 0,
          estimatedCalls: 0,
        };
        row.calls++;
        row.inputTokens += entry.usage.inputTokens;
        row.cachedInputTokens += entry.usage.cachedInputTokens;
        row.outputTokens += entry.usage.outputTokens;
        row.reasoningTokens += entry.usage.reasoningTokens;
        if (entry.cost.amount === undefined) row.unpricedCalls++;
        else row.cost += entry.cost.amount;
        if (entry.estimated) row.estimatedCalls++;
        rows.set(key, row);
      }
    }
    return [...rows.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  /** USD over every priced call. */
  totalCost(): number {
    return this.#ring.reduce((sum, entry) => sum + (entry.cost.amount ?? 0), 0);
  }

  /** USD that cached calls did not spend: the sum of their entries' priced `saved`. */
  totalSaved(): number {
    return this.#ring.reduce((sum, entry) => sum + (entry.saved?.amount ?? 0), 0);
  }

  toJSONL(): string {
    return (
      this.#entries.map((entry) => JSON.stringify(entry)).join('\n') +
      (this.#entries.length ? '\n' : '')
    );
  }

  toCSV(): string {
    const lines = [CSV_COLUMNS.join(',')];
    for (const entry of this.#entries) {
      const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
        at: new Date(entry.at).toISOString(),
        provider: entry.provider,
        model: entry.model,
        user: entry.scope.user,
        project: entry.scope.project,
        budgetScope: entry.scope.budgetScope,
        tags: entry.scope.tags?.join(' '),
        inputTokens: entry.usage.inputTokens,
        cachedInputTokens: entry.usage.cachedInputTokens,
        outputTokens: entry.usage.outputTokens,
        reasoningTokens: entry.usage.reasoningTokens,
        cost: entry.cost.amount,
        unpriced: entry.cost.unpriced,
        estimated: entry.estimated,
        tier: entry.cost.tier,
        requestId: entry.requestId,
        stream: entry.stream,
        settlement: entry.settlement,
        cached: entry.cached,
        saved: entry.saved?.amount,
      };
      lines.push(CSV_COLUMNS.map((column) => csvCell(values[column])).join(','));
    }
    return `${lines.join('\n')}\n`;
  }
}

function keysOf(entry: LedgerEntry, by: LedgerGrouping): string[] {
  switch (by) {
    case 'day':
      return [new Date(entry.at).toISOString().slice(0, 10)];
    case 'tag':
      return entry.scope.tags?.length ? entry.scope.tags : ['(none)'];
    case 'model':
      return [entry.model];
    case 'provider':
      return [entry.provider];
    default:
      return [entry.scope[by] ?? '(none)'];
  }
}
