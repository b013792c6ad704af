/**
 * A JSON Schema document as tools and structured output carry it. Kept structural (an
 * object of unknown keys) so schemas produced by zod, TypeBox or by hand all fit.
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** Any JSON value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };
