import { z } from 'zod';

type Schema = z.core.$ZodType;
interface Def {
  type: string;
  [key: string]: unknown;
}

const def = (schema: Schema): Def => schema._zod.def as unknown as Def;

/** Through optional, nullable, lazy, pipe and default wrappers to the schema that shapes the value. */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const d = def(current);
    if (
      d.type === 'optional' ||
      d.type === 'nullable' ||
      d.type === 'default' ||
      d.type === 'readonly'
    ) {
      current = d.innerType as Schema;
    } else if (d.type === 'lazy') current = (d.getter as () => Schema)();
    else if (d.type === 'pipe') current = d.in as Schema;
    else return current;
  }
}

/** The literal values an object option of a union carries under `key`. */
function tagsOf(option: Schema, key: string): unknown[] {
  const object = unwrap(option);
  if (def(object).type !== 'object') return [];
  const tag = (def(object).shape as Record<string, Schema>)[key];
  if (!tag) return [];
  const tagDef = def(unwrap(tag));
  if (tagDef.type === 'literal') return tagDef.values as unknown[];
  // An optional `type` (`"message"` on an easy input message) still names the variant.
  if (tagDef.type === 'enum') return Object.values(tagDef.entries as Record<string, string>);
  return [];
}

const SHAPE_LABELS = new Set([
  '',
  'array',
  'string',
  'object',
  'union',
  'number',
  'integer',
  'boolean',
  'null',
  'map',
  'any',
]);
const TOKEN = /<[^>]*>|\[\]|\{\}|[^.[\]{}<>]+/g;

/** `a.b[]<function>.c{}` → ['a', 'b', '[]', '<function>', 'c', '{}']. */
export function pathTokens(path: string): string[] {
  return path === '(root)' ? [] : (path.match(TOKEN) ?? []);
}

function hasTokens(schema: Schema, tokens: readonly string[], index: number): boolean {
  if (index === tokens.length) return true;
  const node = unwrap(schema);
  const d = def(node);
  const token = tokens[index] as string;
  if (d.type === 'union') {
    const options = d.options as Schema[];
    if (!token.startsWith('<')) return options.some((option) => hasTokens(option, tokens, index));
    // `<function>` names a variant by its tag; `<#Item>`, `<array>`, `<string>` name a shape.
    const label = token.slice(1, -1).split('#')[0] as string;
    const key = typeof d.discriminator === 'string' ? d.discriminator : 'type';
    const candidates = SHAPE_LABELS.has(label)
      ? options
      : options.filter((option) => tagsOf(option, key).includes(label));
    return candidates.some((option) => hasTokens(option, tokens, index + 1));
  }
  if (token.startsWith('<')) return hasTokens(node, tokens, index + 1);
  if (token === '[]')
    return d.type === 'array' && hasTokens(d.element as Schema, tokens, index + 1);
  if (token === '{}')
    return d.type === 'record' && hasTokens(d.valueType as Schema, tokens, index + 1);
  if (d.type !== 'object') return false;
  const child = (d.shape as Record<string, Schema>)[token];
  return child !== undefined && hasTokens(child, tokens, index + 1);
}

/** Whether a field path in the notation of `shared/reference/fields/*.txt` exists in `schema`. */
export function hasFieldPath(schema: Schema, path: string): boolean {
  return hasTokens(schema, pathTokens(path), 0);
}

export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  description: string | undefined;
}

function titleOf(schema: Schema): string | undefined {
  return z.globalRegistry.get(schema)?.title;
}

function descriptionOf(schema: Schema): string | undefined {
  let current: Schema | undefined = schema;
  while (current) {
    const meta = z.globalRegistry.get(current);
    if (meta?.description) return meta.description;
    const d = def(current);
    current = (d.innerType ?? d.in) as Schema | undefined;
  }
  return undefined;
}

function isNullable(schema: Schema): boolean {
  for (let d = def(schema); ; d = def(d.innerType as Schema)) {
    if (d.type === 'nullable') return true;
    if (d.type !== 'optional' && d.type !== 'default' && d.type !== 'readonly') return false;
  }
}

/** A short type label: `string`, `"a" | "b"`, `array<X>`, `→ Component`. */
function typeLabel(schema: Schema, root: Schema): string {
  const node = unwrap(schema);
  const title = titleOf(node);
  if (title && node !== root) return `→ ${title}`;
  const d = def(node);
  const suffix = isNullable(schema) ? ' | null' : '';
  switch (d.type) {
    case 'literal':
      return (d.values as unknown[]).map((value) => JSON.stringify(value)).join(' | ') + suffix;
    case 'enum':
      return (
        Object.values(d.entries as Record<string, string>)
          .map((value) => JSON.stringify(value))
          .join(' | ') + suffix
      );
    case 'array':
      return `array<${typeLabel(d.element as Schema, root)}>${suffix}`;
    case 'record':
      return `map<${typeLabel(d.valueType as Schema, root)}>${suffix}`;
    case 'union':
      return `union${suffix}`;
    case 'number':
      return `number${suffix}`;
    default:
      return d.type + suffix;
  }
}

/**
 * The rows of a component's field reference: every path down to the leaves, stopping at
 * other named components (listed by name, documented in their own section).
 */
export function fieldRows(root: Schema): FieldRow[] {
  const rows: FieldRow[] = [];
  const visit = (schema: Schema, path: string, required: boolean, depth: number): void => {
    const node = unwrap(schema);
    if (path !== '')
      rows.push({
        path,
        type: typeLabel(schema, root),
        required,
        description: descriptionOf(schema),
      });
    if ((titleOf(node) && node !== root) || depth > 12) return;
    const d = def(node);
    if (d.type === 'object') {
      for (const [key, child] of Object.entries(d.shape as Record<string, Schema>)) {
        visit(child, path ? `${path}.${key}` : key, def(child).type !== 'optional', depth + 1);
      }
    } else if (d.type === 'array') visit(d.element as Schema, `${path}[]`, true, depth + 1);
    else if (d.type === 'record') visit(d.valueType as Schema, `${path}{}`, true, depth + 1);
    else if (d.type === 'union') {
      const key = typeof d.discriminator === 'string' ? d.discriminator : 'type';
      for (const [index, option] of (d.options as Schema[]).entries()) {
        const tag = tagsOf(option, key)[0];
        visit(
          option,
          `${path}<${tag === undefined ? (titleOf(unwrap(option)) ?? `#${index + 1}`) : String(tag)}>`,
          true,
          depth + 1,
        );
      }
    }
  };
  visit(root, '', true, 0);
  return rows;
}
