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
  StreamAggregator,
  type TokenEstimator,
  type Usage,
} from '@ply/core';
import { defaultCatalogue, type ModelCatalogue } from '@ply/models';
import { assertFitsContextWindow } from '../guard/context-window-guard.js';
import type { UsageLedger } from '../ledger/usage-ledger.js';
import { calculateCost } from '../pricing/calculate-cost.js';
import { estimateCost } from '../pricing/estimate-cost.js';
import { tiktokenEstimator } from '../tokens/index.js';

/** What costTracking needs of a budget: reserve the worst case, then settle or release. */
export interface BudgetGate {
  reserve(call: {
    metadata?: CallMetadata;
    model: string;
    amount: number;
    apiKey?: string;
  }): Promise<{
    settle(actual: number, options?: { estimated?: boolean }): Promise<void>;
    release(): Promise<void>;
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
  catalogue?: ModelCatalogue;
  /** The budget scope for "per API key" limits: a name for the key, never the key itself. */
  apiKey?: string;
}

type Reservation = Awaited<ReturnType<BudgetGate['reserve']>>;

/**
 * Prices every call from the usage the API reports (at the tier the response names) and
 * puts the cost on the result and, for streams, in a `cost` event after the usage.
 * With a budget, the worst case is reserved before the network and settled after; with a
 * ledger, every call is recorded. An aborted or cut stream that showed output settles at
 * an estimate marked as such; a call that failed before any output releases its reservation.
 *
 * A stream that stops early is recorded in the ledger the moment it stops: on an abort,
 * synchronously as the signal fires, so a caller that catches the `AbortedError` finds
 * the entry already there. A consumer that leaves its loop early is settled the same way.
 */
export function costTracking(options: CostTrackingOptions = {}): Middleware {
  const catalogue = options.catalogue ?? defaultCatalogue;
  const estimator = options.estimator ?? tiktokenEstimator;
  const guard = options.contextGuard ?? true;
  const windowOf = (model: string) => {
    const entry = catalogue.resolve(model);
    if (entry?.contextWindow === undefined) return undefined;
    return {
      contextWindow: entry.contextWindow,
      ...(entry.maxInputTokens === undefined ? {} : { maxInputTokens: entry.maxInputTokens }),
      ...(entry.maxOutputTokens === undefined ? {} : { maxOutputTokens: entry.maxOutputTokens }),
    };
  };

  async function begin(request: ChatRequest, metadata: CallMetadata | undefined, provider: string) {
    const model = request.model ?? 'unknown';
    // Counted once, for the guard and the estimate alike.
    const prompt = estimator.estimateChat(
      request.model === undefined ? { ...request, model } : request,
    );
    if (guard && request.model !== undefined) {
      assertFitsContextWindow(request, { estimator, windowOf, prompt });
    }
    const estimate = estimateCost(request, { estimator, catalogue, model, prompt });
    // An unpriced model cannot be budgeted: it is reserved at nothing and shows as unpriced.
    const reservation: Reservation | undefined = options.budget
      ? await options.budget.reserve({
          ...(metadata ? { metadata } : {}),
          model,
          amount: estimate.worstCase.amount ?? 0,
          ...(options.apiKey ? { apiKey: options.apiKey } : {}),
        })
      : undefined;
    return { model, estimate, reservation, provider };
  }

  function price(usage: Usage, model: string, serviceTier: string | undefined): CostSummary {
    const cost = calculateCost(usage, model, {
      ...(serviceTier ? { serviceTier } : {}),
      catalogue,
    });
    return usage.estimated ? { ...cost, estimated: true } : cost;
  }

  async function finish(
    call: Awaited<ReturnType<typeof begin>>,
    metadata: CallMetadata | undefined,
    outcome: {
      usage: Usage;
      cost: CostSummary;
      model: string;
      requestId?: string | undefined;
      stream: boolean;
    },
  ): Promise<void> {
    // The ledger first, synchronously: a stream stopped by an abort is on it before the
    // caller sees the abort (the budget's store may need the network).
    options.ledger?.record({
      provider: call.provider,
      model: outcome.model,
      scope: {
        ...(metadata?.user ? { user: metadata.user } : {}),
        ...(metadata?.project ? { project: metadata.project } : {}),
        ...(metadata?.budgetScope ? { budgetScope: metadata.budgetScope } : {}),
        ...(metadata?.tags ? { tags: metadata.tags } : {}),
      },
      usage: outcome.usage,
      cost: outcome.cost,
      estimated: outcome.cost.estimated,
      ...(outcome.requestId ? { requestId: outcome.requestId } : {}),
      stream: outcome.stream,
    });
    await call.reservation?.settle(outcome.cost.amount ?? 0, { estimated: outcome.cost.estimated });
  }

  /** Usage for output that was shown before a stream stopped: counted by the estimator. */
  function estimatedUsage(call: Awaited<ReturnType<typeof begin>>, partial: PartialOutput): Usage {
    const shown =
      partial.text +
      partial.refusal +
      partial.toolCalls.map((toolCall) => toolCall.arguments).join('');
    return createUsage({
      inputTokens: call.estimate.promptTokens,
      outputTokens: estimator.countText(shown, call.model).tokens,
      estimated: true,
    });
  }

  return {
    name: 'cost-tracking',
    async complete({ request, options: callOptions, provider, next }) {
      const call = await begin(request, callOptions.metadata, provider.id);
      let result: ChatResult;
      try {
        result = await next();
      } catch (error) {
        await call.reservation?.release();
        throw error;
      }
      const model = result.model || call.model;
      const cost = price(result.usage, model, result.meta.serviceTier);
      await finish(call, callOptions.metadata, {
        usage: result.usage,
        cost,
        model,
        requestId: result.meta.requestId,
        stream: false,
      });
      return { ...result, cost };
    },

    stream({ request, options: callOptions, provider, next }) {
      return new ChatStream(
        async function* tracked(signal) {
          const call = await begin(request, callOptions.metadata, provider.id);
          // What arrived from the API so far: the measure of a stream that stops early.
          const received = new StreamAggregator();
          let stoppedEarly: Promise<void> | undefined;
          /** Once: at an estimate when output arrived (tokens were spent), else released. */
          const stopEarly = (): Promise<void> => {
            stoppedEarly ??= (async () => {
              const partial = received.partial();
              if (!hasContent(partial)) return call.reservation?.release();
              const usage = estimatedUsage(call, partial);
              await finish(call, callOptions.metadata, {
                usage,
                cost: price(usage, call.model, undefined),
                model: call.model,
                stream: true,
              });
            })();
            return stoppedEarly;
          };
          // Settled as the abort happens, not when the abort has travelled back up here: the
          // caller's AbortedError can reach it first. Awaited below; never left unhandled.
          const onAbort = () => void stopEarly().catch(() => {});
          signal.addEventListener('abort', onAbort, { once: true });
          let completed = false;
          try {
            const inner = next(request, { ...callOptions, signal });
            let cost: CostSummary | undefined;
            try {
              for await (const event of inner) {
                received.add(event);
                yield event;
                if (event.type === 'usage') {
                  cost = price(event.usage, call.model, undefined);
                  yield { type: 'cost', cost, raw: event.raw };
                }
              }
            } catch (error) {
              await stopEarly();
              throw error;
            }
            // The API finished: the call is billed in full, whatever happens next.
            signal.removeEventListener('abort', onAbort);
            completed = true;
            const result = await inner.result;
            const model = result.model || call.model;
            // Priced again with what the result knows (the tier the response reported).
            cost = price(result.usage, model, result.meta.serviceTier);
            await finish(call, callOptions.metadata, {
              usage: result.usage,
              cost,
              model,
              requestId: result.meta.requestId,
              stream: true,
            });
            return { result: { ...result, cost } };
          } finally {
            signal.removeEventListener('abort', onAbort);
            // Left without an error (the consumer stopped pulling): settled like an abort.
            if (!completed) await stopEarly();
          }
        },
        { signal: callOptions.signal },
      );
    },
  };
}
