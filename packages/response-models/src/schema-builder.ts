import { z } from 'zod';
import { lenientFixedString, lenientVariants } from './lenient-variants.js';
import type { SchemaMode } from './schema-mode.js';

type Options = readonly [z.ZodType, ...z.ZodType[]];

/**
 * What the generated schema definitions are written against. Every method is typed as its
 * strict schema, so the inferred types describe the spec (and match the `openai` SDK's);
 * the lenient builder returns looser schemas behind the same types. A lenient parse can
 * therefore hold values the types do not name (an unknown enum value, a null where the
 * spec has a string): the price of never failing on drift, the same one the SDK pays.
 */
export interface SchemaBuilder {
  readonly mode: SchemaMode;
  object<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict>;
  /** A property listed in `required`. */
  req<T extends z.ZodType>(schema: T): T;
  /** A property not listed in `required`. */
  opt<T extends z.ZodType>(schema: T): z.ZodOptional<T>;
  /** A property the spec marks nullable. */
  nullable<T extends z.ZodType>(schema: T): z.ZodNullable<T>;
  /**
   * The discriminator of a variant: exact in strict mode; in lenient mode any string, the
   * known one still telling the variants of a union apart.
   */
  tag<const V extends string>(value: V): z.ZodLiteral<V>;
  string(): z.ZodString;
  number(): z.ZodNumber;
  integer(): z.ZodNumber;
  boolean(): z.ZodBoolean;
  enum<const V extends readonly [string, ...string[]]>(
    values: V,
  ): z.ZodEnum<{ [K in V[number]]: K }>;
  array<T extends z.ZodType>(element: T): z.ZodArray<T>;
  record<T extends z.ZodType>(value: T): z.ZodRecord<z.ZodString, T>;
  /** A free-form JSON object. */
  json(): z.ZodRecord<z.ZodString, z.ZodUnknown>;
  unknown(): z.ZodUnknown;
  union<const T extends Options>(options: T): z.ZodType<z.output<T[number]>>;
  /** Objects told apart by the literal value of `key`. */
  tagged<const T extends Options>(key: string, options: T): z.ZodType<z.output<T[number]>>;
  /** A property real traffic sends and the spec lacks: typed and kept, rejected by strict. */
  drift<T extends z.ZodType>(schema: T): z.ZodOptional<T>;
  /** An enum real traffic extends beyond the spec's values; strict keeps to the spec's. */
  driftEnum<const V extends readonly [string, ...string[]], const D extends readonly string[]>(
    specValues: V,
    driftValues: D,
  ): z.ZodEnum<{ [K in V[number] | D[number]]: K }>;
  /** A value real traffic sends as null where the spec forbids it; strict keeps forbidding. */
  driftNullable<T extends z.ZodType>(schema: T): z.ZodNullable<T>;
  /** A reference to a schema defined later or to itself (the recursive compound filter). */
  lazy<T extends z.ZodType>(get: () => T): z.ZodLazy<T>;
}

const strictBuilder: SchemaBuilder = {
  mode: 'strict',
  object: (shape) => z.strictObject(shape),
  req: (schema) => schema,
  opt: (schema) => schema.optional(),
  nullable: (schema) => schema.nullable(),
  tag: (value) => z.literal(value),
  string: () => z.string(),
  number: () => z.number(),
  integer: () => z.number().int(),
  boolean: () => z.boolean(),
  enum: (values) => z.enum(values as never) as never,
  array: (element) => z.array(element),
  record: (value) => z.record(z.string(), value),
  json: () => z.record(z.string(), z.unknown()),
  unknown: () => z.unknown(),
  union: (options) => z.union(options),
  tagged: (key, options) => z.discriminatedUnion(key, asTagged(options)) as never,
  lazy: (get) => z.lazy(get),
  // The real schema (so documentation shows the real type), refused whenever present.
  drift: (schema) =>
    schema
      .refine(() => false, {
        message: 'not in the spec (documented drift)',
        params: { drift: true },
      })
      .optional() as never,
  driftEnum: (specValues) => z.enum(specValues as never) as never,
  driftNullable: (schema) => schema as never,
};

type TaggedObject = z.ZodObject<z.ZodRawShape>;

/** Generated tagged unions list object schemas only; their declared types hide that. */
function asTagged(options: Options): [TaggedObject, ...TaggedObject[]] {
  return [...options] as unknown as [TaggedObject, ...TaggedObject[]];
}

/**
 * The key plain unions are told apart by in lenient mode: the one every union of the spec
 * discriminates on (`b.tagged` names its own).
 */
const UNION_TAG = 'type';

// The casts below are the documented lie of SchemaBuilder: looser runtime, spec types.
// Every string the spec fixes (enum, literal, tag) takes any string, and a union dispatches
// on the tags it knows, keeping a variant it does not (see lenient-variants.ts).
const lenientBuilder: SchemaBuilder = {
  ...strictBuilder,
  mode: 'lenient',
  object: (shape) => z.looseObject(shape) as never,
  // Real traffic omits fields the spec requires (`refusal`, `logprobs`, `cache_write_tokens`).
  req: (schema) => schema.nullish() as never,
  opt: (schema) => schema.nullish() as never,
  tag: (value) => lenientFixedString([value]) as never,
  integer: () => z.number(),
  enum: (values) => lenientFixedString(values) as never,
  drift: (schema) => schema.nullish() as never,
  driftEnum: (specValues, driftValues) =>
    lenientFixedString([...specValues, ...driftValues]) as never,
  driftNullable: (schema) => schema.nullable() as never,
  union: (options) => lenientVariants(options, UNION_TAG) as never,
  tagged: (key, options) => lenientVariants(options, key) as never,
};

export function schemaBuilder(mode: SchemaMode): SchemaBuilder {
  return mode === 'strict' ? strictBuilder : lenientBuilder;
}
