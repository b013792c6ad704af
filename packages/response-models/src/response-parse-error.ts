import type { z } from 'zod';
import { formatPath } from './issue-path.js';
import type { SchemaMode } from './schema-mode.js';

export interface ParseIssue {
  /** `choices[0].message.content`, or `(root)`. */
  path: string;
  message: string;
  code: string;
}

/**
 * A response that does not match the schema. `path` names the first field that failed;
 * `issues` lists every failure.
 */
export class ResponseParseError extends Error {
  override readonly name = 'ResponseParseError';
  /** The spec component that was expected, such as `CreateChatCompletionResponse`. */
  readonly schema: string;
  readonly mode: SchemaMode;
  readonly path: string;
  readonly issues: ParseIssue[];

  constructor(schema: string, mode: SchemaMode, issues: ParseIssue[]) {
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(`${schema} (${mode}): ${first ? `${first.path}: ${first.message}` : 'invalid'}${more}`);
    this.schema = schema;
    this.mode = mode;
    this.path = first?.path ?? '(root)';
    this.issues = issues;
  }

  static fromZod(
    schema: string,
    mode: SchemaMode,
    issues: readonly z.core.$ZodIssue[],
  ): ResponseParseError {
    return new ResponseParseError(
      schema,
      mode,
      issues.map((issue) => ({
        path: formatPath(issue.path),
        message: issue.message,
        code: issue.code,
      })),
    );
  }
}
