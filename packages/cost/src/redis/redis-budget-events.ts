/** A settlement or release the store was asked to record. */
interface SettlementFacts {
  operation: 'settle' | 'release';
  reservationId: string;
  /** What was spent; absent for a release. */
  amount?: number;
}

/**
 * Redis could not be reached to record a settlement or release: the store keeps it in
 * memory and records it on a later operation or once its client is ready again.
 */
export interface SettlementKeptEvent extends SettlementFacts {
  type: 'settlement-kept';
  error: unknown;
}

/** A kept settlement or release was recorded once Redis was back. */
export interface SettlementRecordedEvent extends SettlementFacts {
  type: 'settlement-recorded';
}

/** A kept settlement could not be recorded: its reservation had expired in Redis first. */
export interface SettlementLostEvent extends SettlementFacts {
  type: 'settlement-lost';
}

export type RedisBudgetStoreEvent =
  | SettlementKeptEvent
  | SettlementRecordedEvent
  | SettlementLostEvent;
