import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { type ChatResult, createUsage, PlyError } from '@ply/core';
import { calculateCost } from '@ply/cost';
import type { LoggedRequest } from '@ply/simulator';
import { STAMP_SLACK_MS } from './breaker-timeline.ts';
import type { ChaosOptions } from './chaos-options.ts';
import { type ChaosStack, MAX_ATTEMPTS, startChaosStack } from './chaos-stack.ts';
import type { BudgetBreach, CallRecord, SoakRecord } from './soak-record.ts';
import { createWorkload, type PlannedCall } from './workload.ts';

/** Codes a ply error falls back to when it could not say what went wrong. */
const UNTYPED_CODES = new Set(['unexpected', 'ply_error']);
const BUDGET_SAMPLE_MS = 100;
/** Refusals by ply's own policies, before the network, that say how long to wait. */
const REFUSALS = new Set(['rate_limit_wait_exceeded', 'circuit_open']);

export interface SoakRun {
  record: SoakRecord;
  wallMs: number;
}

function describeFailure(
  error: unknown,
): Pick<CallRecord, 'code' | 'untyped' | 'retryAfterMs' | 'requestId'> {
  if (!PlyError.isInstance(error)) {
    return { untyped: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  const requestId = error.requestId === undefined ? {} : { requestId: error.requestId };
  if (UNTYPED_CODES.has(error.code)) {
    return { code: error.code, untyped: error.message, ...requestId };
  }
  return {
    code: error.code,
    ...requestId,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
}

async function runCall(stack: ChaosStack, call: PlannedCall): Promise<CallRecord> {
  const options = { metadata: { user: call.user } };
  const base = { id: call.id, stream: call.stream };
  let text = '';
  try {
    let result: ChatResult;
    if (call.stream) {
      const stream = stack.registry.stream('sim', call.request, options);
      for await (const event of stream) {
        if (event.type === 'text-delta' && event.choiceIndex === 0) text += event.delta;
      }
      result = await stream.result;
    } else {
      result = await stack.registry.complete('sim', call.request, options);
      text = result.text;
    }
    const requestId = result.meta.requestId;
    return { ...base, outcome: 'ok', text, ...(requestId === undefined ? {} : { requestId }) };
  } catch (error) {
    // What the caller saw of a stream before it failed, event by event: the strongest view.
    const partial = call.stream ? text : '';
    return { ...base, outcome: 'failed', text: partial, ...describeFailure(error) };
  }
}

/** Settles with the call's record, or marks it hung once its deadline and a grace are past. */
function watched(stack: ChaosStack, call: PlannedCall): Promise<CallRecord> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<CallRecord>((resolve) => {
    timer = setTimeout(
      () => resolve({ id: call.id, stream: call.stream, outcome: 'hung', text: '' }),
      stack.timeouts.deadlineMs + stack.timeouts.hangGraceMs,
    );
  });
  return Promise.race([runCall(stack, call), hung]).finally(() => clearTimeout(timer));
}

/**
 * Samples every budget scope while the soak runs: spent plus reserved against the limit.
 * While Redis is down (or has lost its data) the budget cannot be read: those samples
 * are counted as missed.
 */
function watchBudget(stack: ChaosStack) {
  const breaches: BudgetBreach[] = [];
  let samples = 0;
  let missed = 0;
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => {
      let rows: Awaited<ReturnType<typeof stack.budget.status>>;
      try {
        rows = await stack.budget.status();
      } catch (error) {
        if (stack.stores.outages === undefined) throw error;
        missed++;
        return;
      }
      for (const row of rows) {
        if (row.spent > row.limit) {
          breaches.push({ scope: row.scope, spent: row.spent, limit: row.limit });
        }
      }
      samples++;
    });
  }, BUDGET_SAMPLE_MS);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      return { breaches, samples, missed };
    },
  };
}

/** Prices a billed request from the simulator's own usage, apart from the stack's pricing. */
function billedCost(entry: LoggedRequest): number {
  const usage = entry.usage;
  if (!usage) return 0;
  const cost = calculateCost(
    createUsage({ inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens }),
    entry.model,
  );
  return cost.amount ?? 0;
}

/**
 * Runs the full stack against the misbehaving simulator: `concurrency` callers start
 * calls until `durationMs` is up, then every call in flight is awaited (or marked hung).
 */
export async function runSoak(options: ChaosOptions): Promise<SoakRun> {
  const unhandledRejections: string[] = [];
  const onUnhandled = (reason: unknown) => unhandledRejections.push(String(reason));
  process.on('unhandledRejection', onUnhandled);
  const stack = await startChaosStack(options);
  const nextCall = createWorkload(options.seed, options.streamShare);
  const calls: CallRecord[] = [];
  const budgetWatch = watchBudget(stack);
  stack.stores.outages?.start();
  const started = performance.now();
  const endsAt = started + options.durationMs;
  try {
    // A caller refused by its own limiter or an open circuit waits as told, as an
    // application would, rather than spinning on refusals; never past the end of the run.
    const caller = async () => {
      while (performance.now() < endsAt) {
        const call = await watched(stack, nextCall());
        calls.push(call);
        if (call.code !== undefined && REFUSALS.has(call.code) && call.retryAfterMs !== undefined) {
          await sleep(Math.max(0, Math.min(call.retryAfterMs, endsAt - performance.now())));
        } else if (call.outcome === 'failed') {
          // A call refused at once (a store's Redis is down) settles without I/O: let
          // timers and sockets run before the next, or the callers starve the process.
          await setImmediate();
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, caller));
    const wallMs = performance.now() - started;
    const redisKills = await stack.stores.endOutages();
    const budget = await budgetWatch.stop();
    // An operator told of a data loss goes on from what Redis holds, once the run is over.
    stack.stores.budget?.acknowledgeDataLoss();
    const budgetAfterRun = await stack.budgetAfterWindow();
    const retriesScheduled = stack.events.filter(
      (event) => event.type === 'retry-scheduled',
    ).length;
    return {
      wallMs,
      record: {
        calls,
        log: [...stack.simulator.simulator.log.entries],
        ledger: stack.ledger.entries(),
        billedCost,
        budgetBreaches: budget.breaches,
        budgetSamples: budget.samples,
        budgetSamplesMissed: budget.missed,
        ...(stack.totalBudget === undefined ? {} : { totalBudget: stack.totalBudget }),
        ...(redisKills === undefined || !options.redis
          ? {}
          : {
              redis: {
                persistence: options.redis.persistence,
                kills: redisKills,
                budgetDataLosses: stack.stores.budgetDataLosses,
                settlementsStillKept: stack.stores.budget?.keptSettlements ?? 0,
              },
            }),
        budgetAfterRun,
        retriesScheduled,
        maxAttempts: MAX_ATTEMPTS,
        breakerTimeline: stack.breakerTimeline,
        probeLeaseMs: stack.probeLeaseMs,
        stampSlackMs: Math.round(STAMP_SLACK_MS * options.timeScale),
        unhandledRejections,
      },
    };
  } finally {
    await stack.stores.outages?.stop();
    await budgetWatch.stop();
    await stack.close();
    process.off('unhandledRejection', onUnhandled);
  }
}
