import { z } from 'zod';

type Schema = z.core.$ZodType;
interface Def {
  type: string;
  [key: string]: unknown;
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

/**
 * The strings the spec allows at each lenient enum and tag, and the options of each lenient
 * union, by zod definition: a schema's copies (`.describe()`, `.meta()`) share it.
 */
const FIXED = new WeakMap<object, ReadonlySet<string>>();
const UNIONS = new WeakMap<object, { options: readonly Schema[]; key: string }>();

/**
 * A string the spec fixes (an enum, a literal, a variant's tag), as lenient mode takes it:
 * any string, so a value newer than the spec is kept; what the spec allows is remembered,
 * so a union can still tell its known variants apart by it.
 */
export function lenientFixedString(values: readonly string[]): z.ZodString {
  const schema = z.string();
  FIXED.set(defOf(schema), new Set(values));
  return schema;
}

/** Through optional, nullable and lazy wrappers, to the schema that shapes the value. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const d = defOf(current);
    if (d.type === 'optional' || d.type === 'nullable') current = d.innerType as Schema;
    else if (d.type === 'lazy') current = (d.getter as () => Schema)();
    else return current;
  }
}

/** The tags an option claims under `key`; undefined for an option that claims none. */
function claims(
  option: Schema,
  key: string,
  seen = new Set<object>(),
): ReadonlySet<string> | undefined {
  const node = unwrap(option);
  const d = defOf(node);
  if (seen.has(d)) return undefined;
  seen.add(d);
  if (d.type === 'object') {
    const tag = (d.shape as Record<string, Schema>)[key];
    return tag ? FIXED.get(defOf(unwrap(tag))) : undefined;
  }
  const union = UNIONS.get(d);
  if (!union || union.key !== key) return undefined;
  const tags = new Set<string>();
  for (const inner of union.options)
    for (const tag of claims(inner, key, seen) ?? []) tags.add(tag);
  return tags.size > 0 ? tags : undefined;
}

interface Dispatch {
  /** For each known tag, the options that claim it and those that claim none, in order. */
  byTag: Map<string, z.ZodType>;
  /** For a value without a string tag. */
  all: z.ZodType;
}

function oneOf(options: readonly Schema[]): z.ZodType {
  return options.length === 1
    ? (options[0] as z.ZodType)
    : z.union(options as unknown as [z.ZodType, ...z.ZodType[]]);
}

function dispatchTable(options: readonly Schema[], key: string): Dispatch {
  const claimed = options.map((option) => claims(option, key));
  const tags = new Set<string>();
  for (const set of claimed) for (const tag of set ?? []) tags.add(tag);
  const byTag = new Map<string, z.ZodType>();
  for (const tag of tags) {
    byTag.set(tag, oneOf(options.filter((_, index) => claimed[index]?.has(tag) ?? true)));
  }
  return { byTag, all: oneOf(options) };
}

/**
 * A union as lenient mode parses it. A value whose tag (`key`) a variant claims is checked
 * by that variant (or an option that claims no tag), whose issues are reported at their
 * real paths; a value whose tag no variant claims is an unknown variant (an item or event
 * type newer than the spec) and is kept as it is; a value without a string tag goes to the
 * options in order. Parsing returns the value as it came.
 */
export function lenientVariants(options: readonly Schema[], key: string): z.ZodType {
  // Built on first use: an option may be a lazy reference to a schema not defined yet.
  let table: Dispatch | undefined;
  const schema = z.unknown().superRefine((value, context) => {
    table ??= dispatchTable(options, key);
    const tag =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined;
    let target = table.all;
    if (typeof tag === 'string' && table.byTag.size > 0) {
      const known = table.byTag.get(tag);
      if (!known) return; // an unknown variant, kept as it came
      target = known;
    }
    const result = target.safeParse(value);
    if (!result.success) for (const issue of result.error.issues) context.addIssue(issue as never);
  });
  UNIONS.set(defOf(schema), { options, key });
  return schema;
}
