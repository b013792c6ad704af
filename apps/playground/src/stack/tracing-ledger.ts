import { type LedgerEntry, UsageLedger } from '@ply/cost';
import { CallTrace } from './call-trace.js';

/**
 * The stack's ledger, which also hands each entry to the trace of the call it records, so
 * a front end learns a call's usage and cost however it ended (an aborted stream's are
 * estimated, and only the ledger has them).
 */
export class TracingLedger extends UsageLedger {
  override record(entry: Parameters<UsageLedger['record']>[0]): LedgerEntry {
    const recorded = super.record(entry);
    CallTrace.current()?.ledgerEntries.push(recorded);
    return recorded;
  }
}
