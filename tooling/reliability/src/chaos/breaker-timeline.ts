import type { ResilienceEvent } from '@ply/resilience';

type BreakerEvent = Extract<
  ResilienceEvent,
  { type: 'breaker-opened' | 'breaker-half-opened' | 'breaker-closed' | 'breaker-rejected' }
>;

/** A breaker event and when it was emitted (`performance.now()`). */
export interface BreakerMoment {
  at: number;
  event: BreakerEvent;
}

export function isBreakerEvent(event: ResilienceEvent): event is BreakerEvent {
  return (
    event.type === 'breaker-opened' ||
    event.type === 'breaker-half-opened' ||
    event.type === 'breaker-closed' ||
    event.type === 'breaker-rejected'
  );
}

/**
 * Slack between the breaker's own clock reading and the stamp its event gets, on an idle
 * machine (the soak stretches it by its time scale). Only microtasks come between them,
 * but on a loaded machine the process can be held off the CPU there, and callers come
 * back right as the open time ends. A circuit stuck open refuses for far longer than this.
 */
export const STAMP_SLACK_MS = 250;

export interface BreakerAudit {
  violations: string[];
  openings: number;
  refusals: number;
}

/**
 * Checks that a circuit refuses calls only while its policy says so: within the open time
 * its opening announced, or while a half-open probe may still hold its lease. A circuit
 * stuck open, or refusing once closed, breaks it.
 */
export function auditBreaker(
  timeline: readonly BreakerMoment[],
  probeLeaseMs: number,
  stampSlackMs = STAMP_SLACK_MS,
): BreakerAudit {
  const audit: BreakerAudit = { violations: [], openings: 0, refusals: 0 };
  const circuits = new Map<string, { state: string; since: number; until: number }>();
  for (const { at, event } of timeline) {
    switch (event.type) {
      case 'breaker-opened':
        audit.openings++;
        circuits.set(event.key, { state: 'open', since: at, until: at + event.openForMs });
        break;
      case 'breaker-half-opened':
        circuits.set(event.key, { state: 'half-open', since: at, until: at + probeLeaseMs });
        break;
      case 'breaker-closed':
        circuits.delete(event.key);
        break;
      case 'breaker-rejected': {
        audit.refusals++;
        const circuit = circuits.get(event.key);
        if (!circuit) {
          audit.violations.push(`${event.key}: refused a call while closed`);
        } else if (at > circuit.until + stampSlackMs) {
          audit.violations.push(
            `${event.key}: refused a call ${Math.round(at - circuit.since)} ms after it went ${circuit.state}, allowed ${Math.round(circuit.until - circuit.since)} ms`,
          );
        }
        break;
      }
    }
  }
  return audit;
}
