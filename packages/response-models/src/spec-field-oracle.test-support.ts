// An oracle for unknown fields that shares nothing with the schemas: the spec's own field
// lists (shared/reference/fields/*.txt, generated from the OpenAPI file by another tool).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatPath } from './issue-path.js';

const FIELDS_DIR = fileURLToPath(new URL('../../../../shared/reference/fields/', import.meta.url));

interface Row {
  type: string;
  ref: string;
  flags: string;
  leaf: boolean;
}

interface FieldList {
  rows: Map<string, Row>;
  /** Union variant labels by the path of the union: `output[]` → `message#OutputMessage`, ... */
  variants: Map<string, string[]>;
}

const lists = new Map<string, FieldList>();

function fieldList(name: string): FieldList {
  const cached = lists.get(name);
  if (cached) return cached;
  const list: FieldList = { rows: new Map(), variants: new Map() };
  for (const line of readFileSync(`${FIELDS_DIR}${name}.txt`, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [path = '', type = '', , , , ref = '', flags = '', leaf] = line.split('\t');
    list.rows.set(path, { type, ref, flags, leaf: leaf === 'leaf' });
    for (const match of path.matchAll(/<([^>]*)>/g)) {
      const prefix = path.slice(0, match.index);
      const labels = list.variants.get(prefix) ?? [];
      if (!labels.includes(match[1] as string)) labels.push(match[1] as string);
      list.variants.set(prefix, labels);
    }
  }
  lists.set(name, list);
  return list;
}

const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/** Leaves that hold any JSON: nothing below them is unknown. */
function isFreeForm(row: Row): boolean {
  return row.leaf && /^(object|any|map<|union\()/.test(row.type);
}

/** The variant an object takes at a union: by its tag, else the one naming most of its keys. */
function variantPath(list: FieldList, path: string, node: Record<string, unknown>): string {
  const labels = list.variants.get(path);
  if (!labels) return path;
  const tagged = labels.filter((label) => label.split('#')[0] === node.type);
  const candidates = tagged.length > 0 ? tagged : labels;
  const known = (label: string) =>
    Object.keys(node).filter((key) => list.rows.has(join(`${path}<${label}>`, key))).length;
  const best = [...candidates].sort((a, b) => known(b) - known(a))[0] as string;
  return `${path}<${best}>`;
}

/** The paths of `value` that the spec's field list `name` does not name. */
export function unknownFieldsBySpecList(name: string, value: unknown): string[] {
  const found: string[] = [];
  const walk = (
    list: FieldList,
    node: unknown,
    specPath: string,
    realPath: PropertyKey[],
  ): void => {
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries())
        walk(list, item, `${specPath}[]`, [...realPath, index]);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const objectPath = variantPath(list, specPath, node as Record<string, unknown>);
    for (const [key, child] of Object.entries(node)) {
      const childPath = list.rows.has(join(objectPath, key))
        ? join(objectPath, key)
        : `${objectPath}{}`;
      const row = list.rows.get(childPath);
      if (!row) found.push(formatPath([...realPath, key]));
      else if (row.flags.includes('collapsed'))
        walk(fieldList(row.ref), child, '', [...realPath, key]);
      else if (!isFreeForm(row)) walk(list, child, childPath, [...realPath, key]);
    }
  };
  walk(fieldList(name), value, '', []);
  return found;
}
