// Every place in a component where the spec fixes a string (an enum, a literal, the tag of
// a union's variant), each as a value valid in strict mode but for that one string.
import { z } from 'zod';

type Schema = z.core.$ZodType;
type Path = (string | number)[];
interface Def {
  type: string;
  [key: string]: unknown;
}

const def = (schema: Schema): Def => schema._zod.def as unknown as Def;
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'readonly']);

/** A place where the spec fixes a string, with the value to put something else there. */
export interface LiteralPlace {
  /** From the component's root to the fixed string. */
  path: Path;
  /** The string the spec allows there (the first, for an enum). */
  known: string;
  /** A value of the component with `replacement` at `path`; strict-valid with `known`. */
  valueWith(replacement: string): unknown;
  /** A sibling option of a union takes any string here, so strict takes any string too. */
  open: boolean;
  /** The enum or literal (its zod definition, shared by its copies) that fixes the string. */
  node: object;
}

function title(schema: Schema): string | undefined {
  return z.globalRegistry.get(schema)?.title;
}

/** Through optional, nullable and lazy wrappers. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const d = def(current);
    if (WRAPPERS.has(d.type)) current = d.innerType as Schema;
    else if (d.type === 'lazy') current = (d.getter as () => Schema)();
    else return current;
  }
}

/** A field real traffic sends and the spec lacks: strict refuses it whatever it holds. */
function isDrift(schema: Schema): boolean {
  const checks = (def(schema).checks ?? []) as Schema[];
  return checks.some((check) => (def(check).params as { drift?: boolean })?.drift === true);
}

function fixedString(schema: Schema): string | undefined {
  const d = def(unwrap(schema));
  if (d.type === 'literal') {
    const [value] = d.values as unknown[];
    return typeof value === 'string' ? value : undefined;
  }
  if (d.type === 'enum') return Object.values(d.entries as Record<string, string>)[0];
  return undefined;
}

/** The smallest strict-valid value of a schema: required fields only, empty arrays, null. */
export function minimalValue(schema: Schema, depth = 0): unknown {
  if (depth > 60) throw new Error('minimalValue: the schema does not bottom out');
  const d = def(schema);
  switch (d.type) {
    case 'optional':
      return undefined;
    case 'nullable':
      return null;
    case 'default':
    case 'readonly':
      return minimalValue(d.innerType as Schema, depth + 1);
    case 'lazy':
      return minimalValue((d.getter as () => Schema)(), depth + 1);
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(d.shape as Record<string, Schema>)) {
        if (def(child).type !== 'optional') value[key] = minimalValue(child, depth + 1);
      }
      return value;
    }
    case 'array':
      return [];
    case 'record':
      return {};
    case 'union': {
      for (const option of d.options as Schema[]) {
        const value = minimalValue(option, depth + 1);
        if ((option as z.ZodType).safeParse(value).success) return value;
      }
      throw new Error('minimalValue: no option of the union has a minimal value');
    }
    case 'literal':
      return (d.values as unknown[])[0];
    case 'enum':
      return Object.values(d.entries as Record<string, string>)[0];
    case 'string':
      return 'x';
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

/** `place`, one level down: at `key` of `wrap`'s result. */
function nested(place: LiteralPlace, key: string | number, wrap: (inner: unknown) => unknown) {
  return {
    ...place,
    path: [key, ...place.path],
    valueWith: (replacement: string) => wrap(place.valueWith(replacement)),
  };
}

/**
 * The places of `schema`'s own body: it stops at other named components (each has its own
 * places) and at documented drift fields (refused by strict whatever they hold), but names
 * the tag of a union's variants whatever they are.
 */
export function literalPlaces(schema: Schema, isRoot = true): LiteralPlace[] {
  if (!isRoot && title(schema)) return [];
  const d = def(schema);
  if (WRAPPERS.has(d.type)) return literalPlaces(d.innerType as Schema, isRoot);
  if (d.type === 'lazy') return literalPlaces((d.getter as () => Schema)(), false);
  if (isDrift(schema)) return [];
  const known = fixedString(schema);
  if (known !== undefined) {
    const node = def(unwrap(schema));
    return [{ path: [], known, valueWith: (replacement) => replacement, open: false, node }];
  }
  if (d.type === 'object') {
    const base = minimalValue(schema) as Record<string, unknown>;
    return Object.entries(d.shape as Record<string, Schema>).flatMap(([key, child]) =>
      literalPlaces(child, false).map((place) =>
        nested(place, key, (inner) => ({ ...base, [key]: inner })),
      ),
    );
  }
  if (d.type === 'array') {
    return literalPlaces(d.element as Schema, false).map((place) =>
      nested(place, 0, (inner) => [inner]),
    );
  }
  if (d.type === 'record') {
    return literalPlaces(d.valueType as Schema, false).map((place) =>
      nested(place, 'key', (inner) => ({ key: inner })),
    );
  }
  if (d.type === 'union') return unionPlaces(d);
  return [];
}

function unionPlaces(d: Def): LiteralPlace[] {
  const options = d.options as Schema[];
  const takesAnyString = options.some(
    (option) => (option as z.ZodType).safeParse('any string at all').success,
  );
  const places = options.flatMap((option) =>
    literalPlaces(option, false).map((place) => ({
      ...place,
      open: place.open || (takesAnyString && place.path.length === 0),
    })),
  );
  // The tag that tells the variants apart, as the union sees it: a value whose tag no
  // variant claims.
  const key = typeof d.discriminator === 'string' ? d.discriminator : 'type';
  for (const option of options) {
    const object = unwrap(option);
    if (def(object).type !== 'object') continue;
    const tag = (def(object).shape as Record<string, Schema>)[key];
    const known = tag === undefined ? undefined : fixedString(tag);
    if (tag === undefined || known === undefined) continue;
    const base = minimalValue(object) as Record<string, unknown>;
    places.push({
      path: [key],
      known,
      valueWith: (replacement) => ({ ...base, [key]: replacement }),
      open: false,
      node: def(unwrap(tag)),
    });
    break;
  }
  return places;
}

/**
 * Every enum and literal of the schemas (their definitions) outside drift fields, and every
 * string they allow, so a test can check it tried them all and pick strings they do not.
 */
export function literalNodes(schemas: Record<string, Schema>): {
  nodes: Set<object>;
  strings: Set<string>;
} {
  const nodes = new Set<object>();
  const strings = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (schema: Schema): void => {
    const d = def(schema);
    if (seen.has(d) || isDrift(schema)) return;
    seen.add(d);
    if (d.type === 'literal' || d.type === 'enum') {
      nodes.add(d);
      const values =
        d.type === 'literal' ? (d.values as unknown[]) : Object.values(d.entries as object);
      for (const value of values) strings.add(String(value));
    }
    for (const child of [d.innerType, d.element, d.valueType]) if (child) visit(child as Schema);
    if (d.type === 'lazy') visit((d.getter as () => Schema)());
    for (const child of Object.values((d.shape ?? {}) as Record<string, Schema>)) visit(child);
    for (const child of (d.options ?? []) as Schema[]) visit(child);
  };
  for (const schema of Object.values(schemas)) visit(schema);
  return { nodes, strings };
}

/** The value at `path`. */
export function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) current = (current as Record<string | number, unknown>)?.[key];
  return current;
}
