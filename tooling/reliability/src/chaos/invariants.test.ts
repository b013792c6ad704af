// The soak passes only if its checker can fail: each invariant is shown to catch the
// violation it names, on a small hand-made record.
import { createUsage } from '@ply/core';
import type { LedgerEntry } from '@ply/cost';
import type { LoggedRequest } from '@ply/simulator';
import { describe, expect, it } from 'vitest';
import { checkInvariants } from './invariants.ts';
import type { CallRecord, SoakRecord } from './soak-record.ts';

let sequence = 0;
function served(user: string, fields: Partial<LoggedRequest> = {}): LoggedRequest {
  sequence++;
  return {
    sequence,
    at: 0,
    method: 'POST',
    path: '/v1/chat/completions',
    stream: true,
    status: 200,
    requestId: `req_${sequence}`,
    model: 'gpt-4o-mini',
    body: { user },
    outputText: 'one two three',
    usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    ...fields,
  };
}

/** The call as its caller saw it when `attempt` answered it in full. */
function answeredBy(attempt: LoggedRequest): CallRecord {
  return {
    id: (attempt.body as { user: string }).user,
    stream: attempt.stream,
    outcome: 'ok',
    text: attempt.outputText ?? '',
    requestId: attempt.requestId,
  };
}

function recorded(requestId: string, estimated = false): LedgerEntry {
  return {
    at: 0,
    provider: 'sim',
    model: 'gpt-4o-mini',
    scope: {},
    usage: createUsage({ inputTokens: 5, outputTokens: 3 }),
    cost: { amount: 8, currency: 'USD', unpriced: false, estimated, tier: 'default', lines: [] },
    estimated,
    requestId,
    stream: true,
  };
}

/** Two calls that went right: one answered first time, one retried after a 500. */
function cleanRecord(): SoakRecord {
  const first = served('call-0');
  const failedAttempt = served('call-1', { status: 500, fault: 'server-error', usage: undefined });
  const retried = served('call-1');
  return {
    calls: [answeredBy(first), answeredBy(retried)],
    log: [first, failedAttempt, retried],
    ledger: [recorded(first.requestId), recorded(retried.requestId)],
    billedCost: (entry) => entry.usage?.total_tokens ?? 0,
    budgetBreaches: [],
    budgetSamples: 10,
    budgetAfterRun: [{ scope: 'user:user-1:rolling:5000ms', spent: 0 }],
    retriesScheduled: 1,
    maxAttempts: 3,
    breakerTimeline: [],
    probeLeaseMs: 1_000,
    stampSlackMs: 250,
    unhandledRejections: [],
  };
}

function broken(record: SoakRecord): string[] {
  return checkInvariants(record)
    .filter((invariant) => !invariant.holds)
    .map((invariant) => invariant.name);
}

describe('checkInvariants', () => {
  it('holds on a run where everything went right', () => {
    expect(broken(cleanRecord())).toEqual([]);
  });

  it('catches a duplicated, a lost and a foreign token', () => {
    for (const text of ['one two two three', 'one three', 'one two three four']) {
      const record = cleanRecord();
      (record.calls[0] as CallRecord).text = text;
      expect(broken(record)).toEqual(['no duplicated or lost tokens']);
    }
  });

  it('catches partial output that is not what was sent', () => {
    const record = cleanRecord();
    record.calls[0] = {
      id: 'call-0',
      stream: true,
      outcome: 'failed',
      code: 'stream_interrupted',
      text: 'one one',
    };
    expect(broken(record)).toContain('no duplicated or lost tokens');
    record.calls[0] = {
      id: 'call-0',
      stream: true,
      outcome: 'failed',
      code: 'stream_interrupted',
      text: 'one two',
    };
    expect(broken(record)).not.toContain('no duplicated or lost tokens');
  });

  it('catches an untyped failure, a hang and an unhandled rejection', () => {
    const record = cleanRecord();
    record.calls.push(
      {
        id: 'call-2',
        stream: false,
        outcome: 'failed',
        untyped: 'TypeError: terminated',
        text: '',
      },
      { id: 'call-3', stream: false, outcome: 'hung', text: '' },
    );
    record.unhandledRejections.push('Error: lost');
    expect(broken(record)).toEqual([
      'every failure is a typed ply error',
      'no call outlives its deadline',
      'no unhandled rejection',
    ]);
  });

  it('catches attempts past the policy, and retries nobody scheduled', () => {
    const record = cleanRecord();
    record.maxAttempts = 1;
    expect(broken(record)).toEqual(['attempts within the retry policy and budget']);
    const unscheduled = cleanRecord();
    unscheduled.retriesScheduled = 0;
    expect(broken(unscheduled)).toEqual(['attempts within the retry policy and budget']);
  });

  it('catches a budget breach, and a budget never looked at', () => {
    const record = cleanRecord();
    record.budgetBreaches.push({ scope: 'user:user-1:rolling:5000ms', spent: 2, limit: 1 });
    expect(broken(record)).toEqual(['budget never overspent']);
    const unsampled = cleanRecord();
    unsampled.budgetSamples = 0;
    expect(broken(unsampled)).toEqual(['budget never overspent']);
  });

  it('catches a circuit that refuses past its open time or its probe lease, or once closed', () => {
    const key = 'sim:gpt-4o-mini';
    const opened = { at: 0, event: { type: 'breaker-opened', key, failures: 8, openForMs: 500 } };
    const refusedAt = (at: number) => ({
      at,
      event: { type: 'breaker-rejected', key, retryAfterMs: 1 },
    });
    const halfOpened = { at: 600, event: { type: 'breaker-half-opened', key } };
    const closed = { at: 2_000, event: { type: 'breaker-closed', key } };
    const withTimeline = (...timeline: unknown[]) => {
      const record = cleanRecord();
      record.breakerTimeline = timeline as SoakRecord['breakerTimeline'];
      return broken(record);
    };
    const name = 'the circuit refuses only within its policy';
    expect(withTimeline(opened, refusedAt(499), halfOpened, refusedAt(1_500), closed)).toEqual([]);
    expect(withTimeline(opened, refusedAt(900))).toEqual([name]);
    expect(withTimeline(opened, halfOpened, refusedAt(1_900))).toEqual([name]);
    expect(withTimeline(opened, halfOpened, closed, refusedAt(2_001))).toEqual([name]);
  });

  it('catches a reservation still held after the run, and a budget never looked at', () => {
    const held = cleanRecord();
    held.budgetAfterRun.push({ scope: 'user:user-2:rolling:5000ms', spent: 0.0001 });
    expect(broken(held)).toEqual(['no budget reservation outlives its call']);
    const unread = cleanRecord();
    unread.budgetAfterRun = [];
    expect(broken(unread)).toEqual(['no budget reservation outlives its call']);
  });

  it("catches a request the simulator's own limits refused", () => {
    const record = cleanRecord();
    record.log.push(served('call-0', { status: 429, usage: undefined }));
    expect(broken(record)).toContain("the simulator's rate limits never exceeded");
  });

  it('catches a billed answer missing from the ledger, or priced differently', () => {
    const missing = cleanRecord();
    missing.ledger.pop();
    expect(broken(missing)).toEqual(['ledger cost equals the sum of billed usage']);
    const estimatedOnly = cleanRecord();
    estimatedOnly.ledger[1] = recorded('req_x', true);
    expect(broken(estimatedOnly)).toEqual(['ledger cost equals the sum of billed usage']);
    const mispriced = cleanRecord();
    mispriced.billedCost = () => 9;
    expect(broken(mispriced)).toEqual(['ledger cost equals the sum of billed usage']);
  });

  it('accepts a stream whose usage arrived before a fault cut it: billed, and in the ledger', () => {
    const record = cleanRecord();
    const cut = served('call-2', { fault: 'cut-without-done' });
    record.log.push(cut);
    record.ledger.push(recorded(cut.requestId));
    record.calls.push({
      id: 'call-2',
      stream: true,
      outcome: 'failed',
      code: 'stream_interrupted',
      text: 'one two three',
    });
    expect(broken(record)).toEqual([]);
  });

  it('catches a billed answer read in full and then withheld from its caller', () => {
    for (const stream of [false, true]) {
      const record = cleanRecord();
      const answered = served('call-2', { stream });
      record.log.push(answered);
      record.ledger.push(recorded(answered.requestId));
      // As when the budget store could not settle: the answer was read, the caller got an error.
      record.calls.push({
        id: 'call-2',
        stream,
        outcome: 'failed',
        code: 'connection_error',
        text: '',
      });
      expect(broken(record)).toEqual(['no billed answer withheld from its caller']);
    }
  });

  it("catches a ledger above the run's total budget, and a settlement never recorded", () => {
    const overspent = cleanRecord();
    overspent.totalBudget = 15; // the clean ledger holds 16
    expect(broken(overspent)).toEqual(["the run's total budget never overspent, by the ledger"]);
    const withinTotal = cleanRecord();
    withinTotal.totalBudget = 16;
    expect(broken(withinTotal)).toEqual([]);
    const kept = cleanRecord();
    kept.redis = { persistence: 'none', kills: 2, budgetDataLosses: 1, settlementsStillKept: 1 };
    expect(broken(kept)).toEqual(['every settlement recorded once Redis is back']);
  });

  it('catches a ledger entry the simulator never billed, and one recorded twice', () => {
    const foreign = cleanRecord();
    foreign.ledger.push(recorded('req_unknown'));
    expect(broken(foreign)).toEqual(['ledger cost equals the sum of billed usage']);
    const twice = cleanRecord();
    twice.ledger.push(recorded(twice.log[0]?.requestId ?? ''));
    expect(broken(twice)).toEqual(['ledger cost equals the sum of billed usage']);
  });

  it('counts apart an answer billed after its caller gave up at the deadline', () => {
    const record = cleanRecord();
    const late = served('call-2', { stream: false });
    record.log.push(late);
    record.calls.push({
      id: 'call-2',
      stream: false,
      outcome: 'failed',
      code: 'timeout',
      text: '',
    });
    expect(broken(record)).toEqual([]);
  });

  it('counts apart an answer billed after its attempt timed out and the call retried', () => {
    const record = cleanRecord();
    const late = served('call-2', { stream: false });
    const retried = served('call-2', { stream: false });
    record.log.push(late, retried);
    record.ledger.push(recorded(retried.requestId));
    record.retriesScheduled++;
    record.calls.push(answeredBy(retried));
    expect(broken(record)).toEqual([]);
    record.ledger.pop();
    expect(broken(record)).toEqual(['ledger cost equals the sum of billed usage']);
  });

  // Fresh-clone CI: a stalled attempt timed out, its retry answered, and the simulator
  // logged the stalled one last, once it finished. Log order does not say who answered.
  it('finds the answer by its request id when a timed-out attempt ends after its retry', () => {
    const record = cleanRecord();
    const answered = served('call-2', { outputText: 'four five' });
    const late = served('call-2', { fault: 'stall', outputText: 'six seven' });
    record.log.push(answered, late);
    record.ledger.push(recorded(answered.requestId));
    record.retriesScheduled++;
    record.calls.push(answeredBy(answered));
    expect(broken(record)).toEqual([]);
    record.ledger.pop();
    expect(broken(record)).toEqual(['ledger cost equals the sum of billed usage']);
    record.ledger.push(recorded(answered.requestId));
    const call = record.calls.at(-1);
    if (call) call.text = 'six seven';
    expect(broken(record)).toEqual(['no duplicated or lost tokens']);
  });

  it('catches an answer that reached its caller without a request id to find it by', () => {
    const record = cleanRecord();
    const { requestId: _, ...withoutId } = record.calls[0] as CallRecord;
    record.calls[0] = withoutId;
    expect(broken(record)).toEqual(['ledger cost equals the sum of billed usage']);
  });
});
