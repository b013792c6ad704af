/**
 * JSON with object keys in sorted order and `undefined` members left out, so two requests
 * that differ only in how their objects were built serialise to the same text. Arrays keep
 * their order: in messages, tools and stop sequences order changes the answer.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // `undefined` at the top (never inside an object: skipped there) reads as null.
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  if (ArrayBuffer.isView(value)) return canonicalJson(Array.from(value as unknown as number[]));
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined || typeof member === 'function') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
