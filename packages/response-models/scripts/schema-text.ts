// Naming and wording helpers of the schema generator: identifiers from component names,
// one-line summaries of spec descriptions, and the doc comments made of them.

export type Node = Record<string, unknown>;

export const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function refName(ref: string): string {
  return ref.split('/').at(-1) as string;
}

export function identifier(name: string): string {
  return name.replace(/[^A-Za-z0-9_$]/g, '_');
}

/** First paragraph of a description, on one line: enough for types and FIELDS.md. */
export function summary(description: unknown): string | undefined {
  if (typeof description !== 'string') return undefined;
  const first = description
    .trim()
    .split(/\n\s*\n/)[0]
    ?.replace(/\s+/g, ' ')
    .trim();
  return first || undefined;
}

export function describe(expression: string, description: unknown): string {
  const text = summary(description);
  return text ? `${expression}.describe(${JSON.stringify(text)})` : expression;
}

export function docComment(description: unknown, indent: string): string {
  const text = summary(description);
  return text ? `${indent}/** ${text.replaceAll('*/', '*\\/')} */\n` : '';
}
