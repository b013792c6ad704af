import {
  type CallMetadata,
  type ChatRequest,
  type ChatResult,
  ChatStream,
  type CostSummary,
  createUsage,
  hasContent,
  type Middleware,
  type PartialOutput,
  type PlyError,
  type ResolvedCall,
  type TokenEstimator,
  type Usage,
} from '@ply/core';
import { defaultCatalogue, type ModelCatalogue, type ModelEntry } from '@ply/models';
import type { BudgetSettlement } from '../budgets/budget-settlement.js';
import { assertFitsContextWindow } from '../guard/context-window-guard.js';
import type { LedgerEntry, UsageLedger } from '../ledger/usage-ledger.js';
import { calculateCost } from '../pricing/calculate-cost.js';
import { worstCaseAmount } from '../pricing/estimate-cost.js';
import { tiktokenEstimator } from '../tokens/index.js';

/** What costTracking needs of a budget: reserve the worst case, then settle or release. */
export interface BudgetGate {
  reserve(call: {
    metadata?: CallMetadata;
    model: string;
    amount: number;
    apiKey?: string;
  }): Promise<{
    /**
     * Records what the call cost. A `BudgetSettlement` answer with `recorded: false` (a
     * `BudgetManager`'s, when its store was unreachable and keeps it for later) is marked
     * on the ledger entry.
     */
    settle(actual: number, options?: { estimated?: boolean }): Promise<unknown>;
    release(): Promise<unknown>;
  }>;
}

export interface CostTrackingOptions {
  /** Reserves the worst-case cost before each call, settles the actual cost after. */
  budget?: BudgetGate;
  /** Records every call, its usage and its cost. */
  ledger?: UsageLedger;
  /** Refuse requests that cannot fit the model's window, before the network (default true). */
  contextGuard?: boolean;
  /** Counts prompts for estimates and the guard (default: the tiktoken estimator, exact for text). */
  estimator?: TokenEstimator;
  /** Prices and limits; default `@ply/models`' built-in catalogue. */
  catalogue?: ModelCatalogue;
  /** The budget scope for "per API key" limits: a name for the key, never the key itself. */
  apiKey?: string;
}

/** Settles at an estimate: no billed usage came back. */
const ESTIMATED = Object.freeze({ estimated: true });

/** A settlement the budget could not record now and keeps for later. */
function isKeptForLater(
  settlement: unknown,
): settlement is Extract<BudgetSettlement, { recorded: false }> {
  const candidate = settlement as Partial<Extract<BudgetSettlement, { recorded: false }>>;
  return candidate?.recorded === false && candidate.later instanceof Promise;
}

/** Who and what a call was for, as the ledger records it. */
function ledgerScope(metadata: CallMetadata | undefined): LedgerEntry['scope'] {
  const scope: LedgerEntry['scope'] = {};
  if (metadata?.user) scope.user = metadata.user;
  if (metadata?.project) scope.project = metadata.project;
  if (metadata?.budgetScope) scope.budgetScope = metadata.budgetScope;
  if (metadata?.tags) scope.tags = metadata.tags;
  return scope;
}

type Reservation = Awaited<ReturnType<BudgetGate['reserve']>>;

/** What one call holds between its start and its end. */
interface Tracked {
  model: string;
  /** The model's catalogue entry, resolved once (from the call's facts when they are ours). */
  entry: ModelEntry | undefined;
  /** The prompt is counted only when a budget, the guard or an early stop needs it. */
  call: ResolvedCall;
  reservation: Reservation | undefined;
  providerId: string;
  metadata: CallMetadata | undefined;
}

/**
 * Prices every call from the usage the API reports (at the tier the response names) and
 * puts the cost on the result and, for streams, in a `cost` event after the usage.
 * With a budget, the worst case is reserved before the network and settled after; with a
 * ledger, every call is recorded. An aborted or cut stream that showed output settles at
 * an estimate marked as such; a call that failed before any output releases its reservation.
 *
 * It reads the resolved call: the prompt is counted once for the guard, the estimate and
 * every other layer that counts it with the same estimator, and the model is resolved
 * once. A stream that stops early is recorded in the ledger before its caller hears why.
 */
export function costTracking(options: CostTrackingOptions = {}): Middleware {
  const catalogue = options.catalogue ?? defaultCatalogue;
  const estimator = options.estimator ?? tiktokenEstimator;
  const guard = options.contextGuard ?? true;

  /** The prompt as `estimator` counts it: once per call, shared with every layer. */
  const promptTokens = (tracked: Tracked) => tracked.call.estimate(estimator).tokens;

  /** What a call is before it is sent: its model, entry and prompt, after the guard. */
  function track(call: ResolvedCall, metadata: CallMetadata | undefined): Tracked {
    const model = call.target.model ?? 'unknown';
    const facts = call.target.facts;
    const entry = catalogue.owns(facts) ? facts : catalogue.resolve(model);
    if (guard && call.target.model !== undefined && entry?.contextWindow !== undefined) {
      const window = {
        contextWindow: entry.contextWindow,
        ...(entry.maxInputTokens === undefined ? {} : { maxInputTokens: entry.maxInputTokens }),
      };
      assertFitsContextWindow(call.request as ChatRequest, {
        estimator,
        windowOf: () => window,
        prompt: call.estimate(estimator),
        defaultModel: model,
      });
    }
    return {
      model,
      entry,
      call,
      reservation: undefined,
      providerId: call.target.providerId,
      metadata,
    };
  }

  /**
   * Holds the call's worst case in the budget. An unpriced model cannot be budgeted: it is
   * reserved at nothing and shows as unpriced.
   */
  async function reserve(budget: BudgetGate, tracked: Tracked, request: ChatRequest) {
    const amount = worstCaseAmount(request, tracked.entry, promptTokens(tracked)) ?? 0;
    const call: Parameters<BudgetGate['reserve']>[0] = { model: tracked.model, amount };
    if (tracked.metadata) call.metadata = tracked.metadata;
    if (options.apiKey) call.apiKey = options.apiKey;
    tracked.reservation = await budget.reserve(call);
  }

  function price(
    tracked: Tracked,
    usage: Usage,
    model: string,
    serviceTier: string | undefined,
  ): CostSummary {
    // The breakdown carries `estimated` from the usage.
    return calculateCost(usage, model, {
      serviceTier,
      catalogue,
      entry: model === tracked.model ? tracked.entry : undefined,
    });
  }

  async function finish(
    tracked: Tracked,
    outcome: {
      usage: Usage;
      cost: CostSummary;
      model: string;
      requestId?: string | undefined;
      stream: boolean;
      /** Who answered, when a fallback moved the call. */
      providerId?: string;
    },
  ): Promise<void> {
    // The ledger first, synchronously: a stream stopped by an abort is on it before the
    // caller sees the abort (the budget's store may need the network).
    const { metadata, reservation } = tracked;
    const entry = options.ledger?.record({
      provider: outcome.providerId ?? tracked.providerId,
      model: outcome.model,
      scope: ledgerScope(metadata),
      usage: outcome.usage,
      cost: outcome.cost,
      estimated: outcome.cost.estimated,
      ...(outcome.requestId ? { requestId: outcome.requestId } : {}),
      stream: outcome.stream,
    });
    if (!reservation) return;
    // The call was billed: whatever the budget's store says, its answer reaches the caller.
    let settlement: unknown;
    try {
      settlement = await reservation.settle(
        outcome.cost.amount ?? 0,
        outcome.cost.estimated ? ESTIMATED : undefined,
      );
    } catch {
      if (entry) entry.settlement = 'failed';
      return;
    }
    if (entry && isKeptForLater(settlement)) {
      entry.settlement = 'pending';
      settlement.later.then((recorded) => {
        entry.settlement = recorded ? 'late' : 'lost';
      });
    }
  }

  /** Gives a failed call's reservation back; the call's own error is what the caller hears. */
  async function release(tracked: Tracked): Promise<void> {
    await tracked.reservation?.release().catch(() => {});
  }

  /** A finished result, priced at the tier it reports, settled and recorded. */
  async function completed(tracked: Tracked, result: ChatResult, stream: boolean) {
    const model = result.model || tracked.model;
    const cost = price(tracked, result.usage, model, result.meta.serviceTier);
    await finish(tracked, {
      usage: result.usage,
      cost,
      model,
      requestId: result.meta.requestId,
      stream,
      ...(result.meta.providerId ? { providerId: result.meta.providerId } : {}),
    });
    return { ...result, cost };
  }

  /** A stream that stopped early: at an estimate when output was shown (tokens were spent), else released. */
  function stoppedEarly(tracked: Tracked, partial: PartialOutput | undefined): Promise<void> {
    if (partial === undefined || !hasContent(partial)) return release(tracked);
    const shown =
      partial.text +
      partial.refusal +
      partial.toolCalls.map((toolCall) => toolCall.arguments).join('');
    const usage = createUsage({
      inputTokens: promptTokens(tracked),
      outputTokens: estimator.countText(shown, tracked.model).tokens,
      estimated: true,
    });
    const cost = price(tracked, usage, tracked.model, undefined);
    return finish(tracked, { usage, cost, model: tracked.model, stream: true });
  }

  return {
    name: 'cost-tracking',
    async complete({ options: callOptions, call, next }) {
      const tracked = track(call, callOptions.metadata);
      if (options.budget) await reserve(options.budget, tracked, call.request as ChatRequest);
      let result: ChatResult;
      try {
        result = await next();
      } catch (error) {
        await release(tracked);
        throw error;
      }
      return completed(tracked, result, false);
    },

    stream({ request, options: callOptions, call, next }) {
      return ChatStream.defer(
        async (signal) => {
          const tracked = track(call, callOptions.metadata);
          if (options.budget) await reserve(options.budget, tracked, request);
          return next(request, { ...callOptions, signal }).observe({
            // The cost as soon as the usage is known, at the standard tier; the result
            // carries the one at the tier the response reported.
            event: (event) =>
              event.type === 'usage'
                ? {
                    type: 'cost',
                    cost: price(tracked, event.usage, tracked.model, undefined),
                    raw: event.raw,
                  }
                : undefined,
            // The API finished: the call is billed in full, whatever happens next.
            result: (result) => completed(tracked, result, true),
            error: (error: PlyError) =>
              stoppedEarly(tracked, (error as { partial?: PartialOutput }).partial),
          });
        },
        { signal: callOptions.signal },
      );
    },
  };
}
