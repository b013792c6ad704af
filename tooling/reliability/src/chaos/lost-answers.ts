import type { LedgerEntry } from '@ply/cost';
import type { LoggedRequest } from '@ply/simulator';
import type { CallRecord } from './soak-record.ts';

/** Faults that cut a stream after its usage may have arrived: the caller was told. */
const CUTS_A_STREAM = new Set<LoggedRequest['fault']>([
  'reset-after-chunks',
  'cut-without-done',
  'malformed-chunk',
  'error-event',
  'stall',
]);

/**
 * Billed answers ply read in full and then withheld: a failed call one of whose attempts
 * is in the ledger exactly (its usage read, so its answer was whole), unless a fault cut
 * that attempt's stream after the usage, which the caller's error reports. A store that
 * cannot settle (Redis down) must not turn such an answer into an error, or a caller
 * that retries pays twice.
 */
export function lostBilledAnswers(
  calls: readonly CallRecord[],
  attemptsOf: (callId: string) => readonly LoggedRequest[],
  ledger: readonly LedgerEntry[],
): string[] {
  const read = new Set(ledger.filter((entry) => !entry.estimated).map((entry) => entry.requestId));
  const lost: string[] = [];
  for (const call of calls) {
    if (call.outcome !== 'failed') continue;
    for (const attempt of attemptsOf(call.id)) {
      if (!read.has(attempt.requestId)) continue;
      if (attempt.stream && CUTS_A_STREAM.has(attempt.fault)) continue;
      lost.push(
        `${call.id}: ${attempt.requestId} was read and billed, the caller got ${call.code}`,
      );
    }
  }
  return lost;
}
