import { type Attributes, context, type Span, trace } from '@opentelemetry/api';
import { CALL_STATE, type CallState } from './call-state.js';
import { GENERAL } from './gen-ai-names.js';

/**
 * What ply's policies report through `onEvent`: a `type` and its fields (a resilience
 * event, a budget event, a cache event). Typed loosely so that one listener fits every
 * policy without this package importing them.
 */
export interface PolicyEvent {
  readonly type: string;
}

/**
 * The string fields an event may carry onto a span. Numbers and booleans always go; a
 * string goes only when its field is one of these, known to hold no secret nor content:
 * policy keys are credential-free deployments and endpoints, budget scopes name users
 * and projects, and a key's scope names it rather than holding it.
 */
const STRING_FIELDS = new Set([
  'reason',
  'dimension',
  'key',
  'scope',
  'scopes',
  'from',
  'to',
  'layer',
]);

/** `retry-scheduled` as `ply.retry.scheduled`, `budget-settle-pending` as `ply.budget.settle_pending`. */
const names = new Map<string, string>();
export function spanEventName(type: string): string {
  let name = names.get(type);
  if (name === undefined) {
    const [family = '', ...rest] = type.split('-');
    name = rest.length === 0 ? `ply.${family}` : `ply.${family}.${rest.join('_')}`;
    if (names.size < 256) names.set(type, name);
  }
  return name;
}

const snake = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

export function spanEventAttributes(event: PolicyEvent): Attributes {
  const attributes: Attributes = {};
  for (const [field, value] of Object.entries(event)) {
    if (field === 'type') continue;
    if (field === 'code' && typeof value === 'string') {
      attributes[GENERAL.errorType] = value;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      attributes[`ply.${snake(field)}`] = value;
    } else if (STRING_FIELDS.has(field)) {
      if (typeof value === 'string') attributes[`ply.${snake(field)}`] = value;
      else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
        attributes[`ply.${snake(field)}`] = value as string[];
      }
    }
  }
  return attributes;
}

/** The span an event belongs to: its call's, while it runs; else whatever span is active. */
function spanOfCurrentCall(): Span | undefined {
  const active = context.active();
  const state = active.getValue(CALL_STATE) as CallState | undefined;
  if (state !== undefined) return state.ended ? undefined : state.span;
  return trace.getSpan(active);
}

/**
 * A listener to pass as `onEvent` to ply's policies (`RetryPolicy`, `CircuitBreaker`,
 * `RateLimiter`, `BudgetManager`, `resilience()`, a cache): each event becomes a span event
 * on the span of the call it happened in, found through the OpenTelemetry context.
 */
export function spanEvents(event: PolicyEvent): void {
  const span = spanOfCurrentCall();
  if (span === undefined || !span.isRecording()) return;
  span.addEvent(spanEventName(event.type), spanEventAttributes(event));
}
