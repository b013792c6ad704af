import type { z } from 'zod';
import type { OpenAIComponents } from './generated/openai-schemas.js';
import { formatPath } from './issue-path.js';
import { openAISchemas } from './openai-schemas.js';

type Issue = z.core.$ZodIssue;

function collect(
  issues: readonly Issue[],
  prefix: readonly PropertyKey[],
  into: Set<string>,
): void {
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) into.add(formatPath([...path, key]));
    } else if (issue.code === 'invalid_union') {
      // The value matched no option: follow the closest one (fewest other complaints).
      const branches = [...issue.errors].sort((a, b) => a.length - b.length);
      const closest = branches[0];
      if (closest) collect(closest, path, into);
    }
  }
}

/**
 * The fields a value carries that the spec does not describe, as paths
 * (`choices[0].content_filter_results`): the API drift a lenient parse kept.
 */
export function findUnknownFields<K extends keyof OpenAIComponents>(
  component: K,
  value: unknown,
): string[] {
  const result = openAISchemas('strict')[component].safeParse(value);
  if (result.success) return [];
  const found = new Set<string>();
  collect(result.error.issues, [], found);
  return [...found];
}
