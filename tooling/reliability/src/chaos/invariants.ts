import type { LoggedRequest } from '@ply/simulator';
import { auditBreaker } from './breaker-timeline.ts';
import { lostBilledAnswers } from './lost-answers.ts';
import type { CallRecord, SoakRecord } from './soak-record.ts';

export interface InvariantResult {
  name: string;
  holds: boolean;
  /** What was counted, or the first violations found. */
  detail: string;
}

/** A response the simulator generated in full and billed: its usage was computed. */
function isBilled(entry: LoggedRequest): boolean {
  return entry.status === 200 && entry.usage !== undefined;
}

const sample = (items: readonly string[]) =>
  items.length === 0 ? '' : `: ${items.slice(0, 3).join('; ')}${items.length > 3 ? '; ...' : ''}`;

function result(name: string, violations: readonly string[], counted: string): InvariantResult {
  return {
    name,
    holds: violations.length === 0,
    detail:
      violations.length === 0 ? counted : `${violations.length} violations${sample(violations)}`,
  };
}

/** The simulator's log per call id (the request's `user`), attempts in arrival order. */
function attemptsByCall(log: readonly LoggedRequest[]): Map<string, LoggedRequest[]> {
  const byCall = new Map<string, LoggedRequest[]>();
  for (const entry of log) {
    const user = (entry.body as { user?: unknown } | undefined)?.user;
    if (typeof user !== 'string') continue;
    const attempts = byCall.get(user) ?? [];
    attempts.push(entry);
    byCall.set(user, attempts);
  }
  for (const attempts of byCall.values()) attempts.sort((a, b) => a.sequence - b.sequence);
  return byCall;
}

/**
 * The attempt whose response reached the caller: the one with the request id the caller
 * saw. Without one, the last to answer 200; the simulator logs attempts as they end, so
 * that guess can name an attempt that timed out and finished after its retry.
 */
function deliveringAttempt(
  call: CallRecord,
  attempts: readonly LoggedRequest[],
): LoggedRequest | undefined {
  if (call.requestId !== undefined) {
    return attempts.find((entry) => entry.requestId === call.requestId);
  }
  return attempts.filter((entry) => entry.status === 200).at(-1);
}

/**
 * Text received against what the simulator sent: an answer equal to the text of the
 * attempt that delivered it, a partial answer a prefix of it. A duplicated, dropped or
 * reordered token breaks one or the other.
 */
function checkTokens(call: CallRecord, attempts: readonly LoggedRequest[]): string | undefined {
  if (call.outcome === 'hung') return undefined;
  const delivering = deliveringAttempt(call, attempts);
  if (call.outcome === 'ok') {
    if (delivering?.outputText === undefined) return `${call.id}: answered, but no attempt did`;
    if (call.text !== delivering.outputText) {
      return `${call.id}: received ${JSON.stringify(call.text.slice(0, 60))}, sent ${JSON.stringify(delivering.outputText.slice(0, 60))}`;
    }
    return undefined;
  }
  if (call.text === '') return undefined;
  if (delivering?.outputText === undefined) return `${call.id}: partial text with no attempt sent`;
  if (!delivering.outputText.startsWith(call.text)) {
    return `${call.id}: partial ${JSON.stringify(call.text.slice(-40))} is not a prefix of what was sent`;
  }
  return undefined;
}

const near = (a: number, b: number) =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Judges one soak run: every invariant the issue names, each with what it counted. */
export function checkInvariants(record: SoakRecord): InvariantResult[] {
  const { calls, log, ledger } = record;
  const byCall = attemptsByCall(log);
  const results: InvariantResult[] = [];

  results.push(
    result(
      'every failure is a typed ply error',
      calls
        .filter((call) => call.untyped !== undefined)
        .map((call) => `${call.id}: ${call.untyped}`),
      `${calls.filter((call) => call.outcome === 'failed').length} failures, all typed`,
    ),
    result(
      'no call outlives its deadline',
      calls.filter((call) => call.outcome === 'hung').map((call) => `${call.id} never settled`),
      `${calls.length} calls settled`,
    ),
    result('no unhandled rejection', record.unhandledRejections, 'none'),
  );

  const tokenViolations: string[] = [];
  let streamsChecked = 0;
  for (const call of calls) {
    const violation = checkTokens(call, byCall.get(call.id) ?? []);
    if (violation) tokenViolations.push(violation);
    if (call.stream && call.text !== '') streamsChecked++;
  }
  results.push(
    result(
      'no duplicated or lost tokens',
      tokenViolations,
      `${streamsChecked} streams and every answer matched what the simulator sent`,
    ),
  );

  const tooMany: string[] = [];
  let retriesMade = 0;
  for (const [id, attempts] of byCall) {
    retriesMade += attempts.length - 1;
    if (attempts.length > record.maxAttempts) tooMany.push(`${id}: ${attempts.length} attempts`);
  }
  if (retriesMade > record.retriesScheduled) {
    tooMany.push(
      `${retriesMade} retries reached the simulator, ${record.retriesScheduled} scheduled`,
    );
  }
  results.push(
    result(
      'attempts within the retry policy and budget',
      tooMany,
      `${retriesMade} retries, at most ${record.maxAttempts} attempts a call, each paid from the retry budget`,
    ),
  );

  const breaches = record.budgetBreaches.map(
    (breach) => `${breach.scope}: ${breach.spent} of ${breach.limit}`,
  );
  if (record.budgetSamples === 0) breaches.push('the budget was never sampled');
  results.push(
    result(
      'budget never overspent',
      breaches,
      `${record.budgetSamples} samples of every scope, none over its limit`,
    ),
  );

  if (record.totalBudget !== undefined) {
    const total = record.totalBudget;
    const spent = ledger.reduce((sum, entry) => sum + (entry.cost.amount ?? 0), 0);
    results.push(
      result(
        "the run's total budget never overspent, by the ledger",
        spent <= total + 1e-9 ? [] : [`$${spent} recorded against a total of $${total}`],
        `$${spent.toFixed(6)} of $${total.toFixed(6)}`,
      ),
    );
  }
  if (record.redis !== undefined) {
    const kept = record.redis.settlementsStillKept;
    results.push(
      result(
        'every settlement recorded once Redis is back',
        kept === 0 ? [] : [`${kept} settlements still kept in memory`],
        `Redis killed ${record.redis.kills} times; none left unrecorded`,
      ),
    );
  }

  const held = record.budgetAfterRun
    .filter((row) => row.spent > 0)
    .map((row) => `${row.scope}: ${row.spent} still held`);
  if (record.budgetAfterRun.length === 0) held.push('no budget scope was looked at');
  results.push(
    result(
      'no budget reservation outlives its call',
      held,
      `${record.budgetAfterRun.length} scopes, each empty once every call settled and its window passed`,
    ),
  );

  const breaker = auditBreaker(record.breakerTimeline, record.probeLeaseMs, record.stampSlackMs);
  results.push(
    result(
      'the circuit refuses only within its policy',
      breaker.violations,
      `opened ${breaker.openings} time${breaker.openings === 1 ? '' : 's'}; ${breaker.refusals} refusals, each within the open time or a probe's lease`,
    ),
  );

  const failed = calls.filter((call) => call.outcome === 'failed').length;
  results.push(
    result(
      'no billed answer withheld from its caller',
      lostBilledAnswers(calls, (id) => byCall.get(id) ?? [], ledger),
      `${failed} failed calls, none after ply had read a billed answer in full`,
    ),
  );

  const natural429 = log.filter((entry) => entry.status === 429 && entry.fault === undefined);
  results.push(
    result(
      "the simulator's rate limits never exceeded",
      natural429.map((entry) => `request ${entry.sequence} refused by the simulator's own limits`),
      `${log.length} requests, none refused by the simulator's limits`,
    ),
  );

  // Matched by request id. Every exact ledger entry is a response the simulator billed,
  // with its usage, once; every answer a caller received is in the ledger. A server also
  // bills answers ply never read in full (a timeout fired while one was on its way, a fault
  // cut the stream before its usage): those are counted apart. One whose usage did arrive
  // before a fault is in the ledger, as it is on the invoice.
  const billedById = new Map(log.filter(isBilled).map((entry) => [entry.requestId, entry]));
  const exact = ledger.filter((entry) => !entry.estimated);
  const ledgerViolations: string[] = [];
  const recorded = new Set<string>();
  let billedCost = 0;
  let ledgerCost = 0;
  let ledgerTokens = 0;
  for (const entry of exact) {
    const id = entry.requestId ?? '(no request id)';
    const billed = billedById.get(id);
    const tokens = entry.usage.inputTokens + entry.usage.outputTokens;
    ledgerTokens += tokens;
    ledgerCost += entry.cost.amount ?? 0;
    if (recorded.has(id)) ledgerViolations.push(`${id}: in the ledger twice`);
    recorded.add(id);
    if (!billed) {
      ledgerViolations.push(`${id}: in the ledger, never billed by the simulator`);
      continue;
    }
    billedCost += record.billedCost(billed);
    if (billed.usage?.total_tokens !== tokens) {
      ledgerViolations.push(
        `${id}: ${tokens} tokens in the ledger, ${billed.usage?.total_tokens} billed`,
      );
    }
  }
  for (const call of calls) {
    if (call.outcome !== 'ok') continue;
    if (call.requestId === undefined) {
      ledgerViolations.push(`${call.id}: answered without a request id`);
      continue;
    }
    const delivering = deliveringAttempt(call, byCall.get(call.id) ?? []);
    if (delivering && isBilled(delivering) && !recorded.has(delivering.requestId)) {
      ledgerViolations.push(`${call.id}: answered by ${delivering.requestId}, not in the ledger`);
    }
  }
  if (!near(billedCost, ledgerCost)) {
    ledgerViolations.push(`$${billedCost} billed, $${ledgerCost} in the ledger`);
  }
  const unread = [...billedById.keys()].filter((id) => !recorded.has(id)).length;
  results.push(
    result(
      'ledger cost equals the sum of billed usage',
      ledgerViolations,
      `${exact.length} entries, each a billed response; ${ledgerTokens} tokens, $${ledgerCost.toFixed(6)}` +
        (unread > 0 ? `; ${unread} billed answers ply never read in full` : ''),
    ),
  );
  return results;
}
