import type { KeptSettlement } from './kept-settlements.js';

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

/**
 * Redis lost the budget data this store had seen (its generation marker is gone or
 * replaced). `refused`: reservations and reads are refused until
 * `acknowledgeDataLoss()`; `reset`: the store goes on from what Redis holds now.
 */
export interface DataLostEvent {
  type: 'data-lost';
  /** The marker key. */
  marker: string;
  action: 'refused' | 'reset';
}

export type RedisBudgetStoreEvent =
  | SettlementKeptEvent
  | SettlementRecordedEvent
  | SettlementLostEvent
  | DataLostEvent;

/** What an event says of a kept settlement. */
export function settlementFacts({ operation, reservationId, amount }: KeptSettlement) {
  return { operation, reservationId, ...(amount === undefined ? {} : { amount }) };
}
