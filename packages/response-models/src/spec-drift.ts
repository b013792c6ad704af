import type { z } from 'zod';
import type { OpenAIComponents } from './generated/openai-schemas.js';
import { formatPath } from './issue-path.js';
import { openAISchemas } from './openai-schemas.js';

export type DriftKind = 'unknown-field' | 'missing' | 'null' | 'unexpected-value' | 'wrong-type';

/** One way a value departs from the spec: what a lenient parse tolerated. */
export interface SpecDrift {
  /** `choices[0].content_filter_results`. */
  path: string;
  kind: DriftKind;
}

type Issue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function kindOf(issue: Issue, value: unknown): DriftKind {
  if (issue.code === 'invalid_value') return 'unexpected-value';
  // A field the schemas know from real traffic (scripts/drift-overlays.ts), not from the spec.
  if (issue.code === 'custom' && issue.params?.drift === true) return 'unknown-field';
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return 'wrong-type';
}

function collect(
  root: unknown,
  issues: readonly Issue[],
  prefix: readonly PropertyKey[],
  into: Map<string, SpecDrift>,
): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const drift: SpecDrift = { path: formatPath([...path, key]), kind: 'unknown-field' };
        into.set(`${drift.path} ${drift.kind}`, drift);
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length === 0) {
      // A tagged union whose tag names no variant: the value is a string, just not a known one.
      const drift: SpecDrift = { path: formatPath(path), kind: 'unexpected-value' };
      into.set(`${drift.path} ${drift.kind}`, drift);
    } else if (issue.code === 'invalid_union') {
      // The value matched no option: follow the closest one (fewest complaints).
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] as Issue[];
      collect(root, closest, path, into);
    } else {
      const drift: SpecDrift = { path: formatPath(path), kind: kindOf(issue, valueAt(root, path)) };
      into.set(`${drift.path} ${drift.kind}`, drift);
    }
  }
}

/**
 * Every way `value` departs from the spec component `component`: unknown fields, missing
 * required fields, nulls the spec forbids, unexpected enum values, wrong types. Empty for
 * a value the spec describes exactly. This is the API drift a lenient parse kept.
 */
export function findSpecDrift<K extends keyof OpenAIComponents>(
  component: K,
  value: unknown,
): SpecDrift[] {
  const result = openAISchemas('strict')[component].safeParse(value);
  if (result.success) return [];
  const found = new Map<string, SpecDrift>();
  collect(value, result.error.issues, [], found);
  return [...found.values()];
}

/** The fields `value` carries that the spec does not describe, as paths. */
export function findUnknownFields<K extends keyof OpenAIComponents>(
  component: K,
  value: unknown,
): string[] {
  return findSpecDrift(component, value)
    .filter((drift) => drift.kind === 'unknown-field')
    .map((drift) => drift.path);
}
