import { createHash } from 'node:crypto';
import { type CallMetadata, ConfigurationError } from '@ply/core';
import { type BudgetPeriod, periodBucket } from './budget-period.js';
import { BUDGET_UNITS_PER_UNIT } from './units.js';
import type { WindowedBudgetScopeLimit } from './windowed-budget-store.js';

/** What a limit is counted by. Each comes from the call's metadata, model or API key. */
export type BudgetScopeKind =
  | 'global'
  | 'apiKey'
  | 'user'
  | 'project'
  | 'tag'
  | 'model'
  | 'budgetScope';

export const BUDGET_SCOPE_KINDS: readonly BudgetScopeKind[] = [
  'global',
  'apiKey',
  'user',
  'project',
  'tag',
  'model',
  'budgetScope',
];

/** A hard limit with optional soft thresholds. */
export interface BudgetLimit {
  scope: BudgetScopeKind;
  /**
   * Applies to this one value only (a user id, a model name, a tag, the API key itself).
   * Without it the limit applies to each distinct value on its own: every user gets the
   * limit. `global` takes no value.
   */
  value?: string;
  /** In USD, or whatever unit the amounts are in. */
  limit: number;
  period: BudgetPeriod;
  /** Fractions of `limit` that emit a `budget-threshold` event. Default `[0.5, 0.8, 1]`. */
  softThresholds?: readonly number[];
}

/** What identifies a call to its budgets. */
export interface BudgetCall {
  metadata?: CallMetadata | undefined;
  model: string;
  /** Never stored: scope keys carry a fingerprint of it. */
  apiKey?: string | undefined;
}

export const DEFAULT_SOFT_THRESHOLDS: readonly number[] = [0.5, 0.8, 1];

const MAX_LIMIT = Math.floor(Number.MAX_SAFE_INTEGER / BUDGET_UNITS_PER_UNIT / 4);

/**
 * A short, stable, non-reversible name for an API key: `sha256-` and 16 hex digits. Scope
 * keys, events and dashboards show this, never the key.
 */
export function apiKeyFingerprint(apiKey: string): string {
  return `sha256-${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}`;
}

/** `:` separates the parts of a scope key, so values escape it (and `%`). */
function escapeValue(value: string): string {
  return value.replaceAll('%', '%25').replaceAll(':', '%3A');
}

/** A validated limit, with its thresholds sorted. */
export interface NormalizedBudgetLimit extends BudgetLimit {
  softThresholds: readonly number[];
}

export function normalizeLimits(limits: readonly BudgetLimit[]): NormalizedBudgetLimit[] {
  if (!Array.isArray(limits)) {
    throw new ConfigurationError('BudgetManager: `limits` must be an array of budget limits');
  }
  return limits.map((limit, index) => {
    const where = `BudgetManager: limits[${index}]`;
    if (!BUDGET_SCOPE_KINDS.includes(limit.scope)) {
      throw new ConfigurationError(
        `${where}.scope must be one of ${BUDGET_SCOPE_KINDS.join(', ')}, got ${String(limit.scope)}`,
      );
    }
    if (limit.value !== undefined) {
      if (limit.scope === 'global') {
        throw new ConfigurationError(`${where}: a global limit takes no value`);
      }
      if (typeof limit.value !== 'string' || limit.value === '') {
        throw new ConfigurationError(`${where}.value must be a non-empty string when given`);
      }
    }
    if (
      typeof limit.limit !== 'number' ||
      !Number.isFinite(limit.limit) ||
      limit.limit < 0 ||
      limit.limit > MAX_LIMIT
    ) {
      throw new ConfigurationError(
        `${where}.limit must be a number from 0 to ${MAX_LIMIT}, got ${String(limit.limit)}`,
      );
    }
    const { period } = limit;
    if (typeof period === 'object' && period !== null) {
      if (!Number.isSafeInteger(period.rollingMs) || period.rollingMs <= 0) {
        throw new ConfigurationError(
          `${where}.period.rollingMs must be a positive integer of milliseconds`,
        );
      }
    } else if (period !== 'total' && period !== 'daily' && period !== 'monthly') {
      throw new ConfigurationError(
        `${where}.period must be 'total', 'daily', 'monthly' or { rollingMs }, got ${String(period)}`,
      );
    }
    const thresholds = limit.softThresholds ?? DEFAULT_SOFT_THRESHOLDS;
    for (const threshold of thresholds) {
      if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) {
        throw new ConfigurationError(
          `${where}.softThresholds must hold positive fractions of the limit, got ${String(threshold)}`,
        );
      }
    }
    return { ...limit, softThresholds: [...new Set<number>(thresholds)].sort((a, b) => a - b) };
  });
}

/** The values of one kind a call carries, already in the form scope keys show. */
export function callValues(kind: BudgetScopeKind, call: BudgetCall): string[] {
  const metadata = call.metadata ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? [value] : []);
  switch (kind) {
    case 'global':
      return [''];
    case 'user':
      return text(metadata.user);
    case 'project':
      return text(metadata.project);
    case 'budgetScope':
      return text(metadata.budgetScope);
    case 'model':
      return text(call.model);
    case 'apiKey':
      return text(call.apiKey);
    case 'tag':
      return Array.isArray(metadata.tags)
        ? [...new Set(metadata.tags.filter((tag): tag is string => typeof tag === 'string'))]
        : [];
  }
}

/** The value as scope keys show it: API keys become their fingerprint. */
export function displayValue(kind: BudgetScopeKind, value: string): string {
  return kind === 'apiKey' ? apiKeyFingerprint(value) : value;
}

/** `global`, `user:alice`, `user:alice:daily:2026-11-21`, `tag:beta:rolling:3600000ms`. */
export function scopeKey(kind: BudgetScopeKind, shownValue: string, suffix: string | undefined) {
  const base = kind === 'global' ? 'global' : `${kind}:${escapeValue(shownValue)}`;
  return suffix === undefined ? base : `${base}:${suffix}`;
}

/** One configured limit applied to one value at one instant. */
export interface AppliedLimit {
  limitIndex: number;
  config: NormalizedBudgetLimit;
  /** The value as shown (API keys fingerprinted); empty for `global`. */
  value: string;
  scope: WindowedBudgetScopeLimit;
}

export function applyLimit(
  limitIndex: number,
  config: NormalizedBudgetLimit,
  shownValue: string,
  now: number,
): AppliedLimit {
  const bucket = periodBucket(config.period, now);
  const scope: WindowedBudgetScopeLimit = {
    scope: scopeKey(config.scope, shownValue, bucket.suffix),
    limit: config.limit,
  };
  if (bucket.expiresAt !== undefined) scope.expiresAt = bucket.expiresAt;
  if (bucket.windowMs !== undefined) scope.windowMs = bucket.windowMs;
  return { limitIndex, config, value: shownValue, scope };
}

/** Every limit that applies to a call, one entry per (limit, value). */
export function limitsForCall(
  limits: readonly NormalizedBudgetLimit[],
  call: BudgetCall,
  now: number,
): AppliedLimit[] {
  const applied: AppliedLimit[] = [];
  limits.forEach((config, index) => {
    for (const value of callValues(config.scope, call)) {
      if (config.value !== undefined && value !== config.value) continue;
      applied.push(applyLimit(index, config, displayValue(config.scope, value), now));
    }
  });
  return applied;
}
