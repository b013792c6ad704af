// OpenAI turns tool definitions and structured-output schemas into hidden prompt text. The
// exact text is not public; this renders what is known of it (a TypeScript-like
// `namespace functions`, as hmarr/openai-chat-tokens reconstructed it against the live
// API) and what fits the billed counts in shared/reference/tokens/cases.jsonl.
import type { JsonSchema, ResponseFormat, ToolDefinition } from '@ply/core';

type Schema = { readonly [keyword: string]: unknown };

const MAX_DEPTH = 8;
const MAX_REF_HOPS = 16;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function comment(text: string, pad: string): string {
  return text
    .split('\n')
    .map((line) => `${pad}// ${line}`)
    .join('\n');
}

function literal(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/** Follows local `$ref`s (`#/$defs/Answer`) against the root schema; `undefined` if broken. */
function resolve(schema: unknown, root: Schema): Schema | undefined {
  let current = schema;
  for (let hop = 0; isSchema(current) && typeof current.$ref === 'string'; hop++) {
    if (hop >= MAX_REF_HOPS || !current.$ref.startsWith('#')) return undefined;
    let target: unknown = root;
    for (const raw of current.$ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isSchema(target) ? target[key] : undefined;
    }
    current = target;
  }
  return isSchema(current) ? current : undefined;
}

/** The `$ref`s being expanded on the way down: a schema that refers to itself renders `any`. */
type Expanding = ReadonlySet<string>;

function renderType(
  schema: unknown,
  root: Schema,
  indent: number,
  depth: number,
  expanding: Expanding,
): string {
  const ref = isSchema(schema) && typeof schema.$ref === 'string' ? schema.$ref : undefined;
  if (ref !== undefined && expanding.has(ref)) return 'any';
  const node = resolve(schema, root);
  if (node === undefined || depth > MAX_DEPTH) return 'any';
  const inner = ref === undefined ? expanding : new Set([...expanding, ref]);
  return renderNode(node, root, indent, depth, inner);
}

function renderNode(
  node: Schema,
  root: Schema,
  indent: number,
  depth: number,
  expanding: Expanding,
): string {
  const alternatives = node.anyOf ?? node.oneOf;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    return alternatives
      .map((option) => renderType(option, root, indent, depth + 1, expanding))
      .join(' | ');
  }
  if (Array.isArray(node.allOf) && node.allOf.length > 0) {
    return node.allOf
      .map((part) => renderType(part, root, indent, depth + 1, expanding))
      .join(' & ');
  }
  if (node.const !== undefined) return literal(node.const);
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum.map(literal).join(' | ');
  const declared = Array.isArray(node.type) ? node.type : [node.type];
  return declared
    .map((type) => {
      switch (type) {
        case 'string':
        case 'boolean':
        case 'null':
          return type;
        case 'number':
        case 'integer':
          return 'number';
        case 'array':
          return renderArray(node, root, indent, depth, expanding);
        case 'object':
          return renderObject(node, root, indent, depth, expanding);
        default:
          if (isSchema(node.properties)) return renderObject(node, root, indent, depth, expanding);
          if (node.items !== undefined) return renderArray(node, root, indent, depth, expanding);
          return 'any';
      }
    })
    .join(' | ');
}

function renderArray(
  node: Schema,
  root: Schema,
  indent: number,
  depth: number,
  expanding: Expanding,
): string {
  if (node.items === undefined || Array.isArray(node.items)) return 'any[]';
  const item = renderType(node.items, root, indent, depth + 1, expanding);
  return item.includes(' | ') || item.includes(' & ') ? `(${item})[]` : `${item}[]`;
}

function renderObject(
  node: Schema,
  root: Schema,
  indent: number,
  depth: number,
  expanding: Expanding,
): string {
  if (!isSchema(node.properties) || Object.keys(node.properties).length === 0) return 'object';
  const body = renderProperties(node, root, indent + 2, depth + 1, expanding);
  return `{\n${body}\n${' '.repeat(indent)}}`;
}

/** One `name: type,` line a property, `?` when optional; descriptions on the top level only. */
function renderProperties(
  node: Schema,
  root: Schema,
  indent: number,
  depth: number,
  expanding: Expanding,
): string {
  const properties = isSchema(node.properties) ? node.properties : {};
  const required = Array.isArray(node.required) ? node.required : [];
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const resolved = resolve(property, root);
    const description = resolved?.description;
    if (typeof description === 'string' && description !== '' && indent < 2) {
      lines.push(comment(description, pad));
    }
    const optional = required.includes(name) ? '' : '?';
    lines.push(
      `${pad}${name}${optional}: ${renderType(property, root, indent, depth, expanding)},`,
    );
  }
  return lines.join('\n');
}

/**
 * The hidden `namespace functions { ... }` text OpenAI builds from tool definitions:
 * each description as `//` lines, then `type name = (_: { ...arguments }) => any;`.
 */
export function renderToolNamespace(tools: readonly ToolDefinition[]): string {
  const lines = ['namespace functions {', ''];
  for (const tool of tools) {
    if (tool.description) lines.push(comment(tool.description, ''));
    // OpenAI accepts a function without `parameters`, and renders it as one of no arguments.
    const parameters: unknown = tool.parameters;
    const properties = isSchema(parameters) ? parameters.properties : undefined;
    if (isSchema(parameters) && isSchema(properties) && Object.keys(properties).length > 0) {
      lines.push(`type ${tool.name} = (_: {`);
      lines.push(renderProperties(parameters, parameters, 0, 0, new Set()));
      lines.push('}) => any;');
    } else {
      lines.push(`type ${tool.name} = () => any;`);
    }
    lines.push('');
  }
  lines.push('} // namespace functions');
  return lines.join('\n');
}

/** The tools section of the hidden system text. */
export function renderToolsSection(tools: readonly ToolDefinition[]): string {
  return `# Tools\n\n## functions\n\n${renderToolNamespace(tools)}`;
}

const SCHEMA_MAPS = new Set(['properties', '$defs', 'definitions', 'patternProperties']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
const SCHEMA_VALUES = new Set([
  'items',
  'additionalProperties',
  'not',
  'contains',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

/** The schema without `title` keywords (property names called `title` stay). */
function withoutTitles(schema: unknown): unknown {
  if (!isSchema(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'title') continue;
    if (SCHEMA_MAPS.has(key) && isSchema(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, withoutTitles(sub)]),
      );
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(withoutTitles);
    } else if (SCHEMA_VALUES.has(key)) {
      out[key] = Array.isArray(value) ? value.map(withoutTitles) : withoutTitles(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The response-format section of the hidden system text for a `json_schema` format: the
 * schema as compact JSON under its name, `title` keywords dropped (that fits the billed
 * counts); `undefined` for `text` and `json_object`, which add no hidden text.
 */
export function renderResponseFormatSection(format: ResponseFormat): string | undefined {
  if (format.type !== 'json_schema') return undefined;
  const schema: JsonSchema = format.schema;
  const description = format.description ? `${comment(format.description, '')}\n` : '';
  return `# Response Formats\n\n## ${format.name}\n\n${description}${JSON.stringify(withoutTitles(schema))}`;
}
