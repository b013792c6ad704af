/** A `provider:model` id split at its first colon (model ids may hold colons: `ft:...`). */
export interface ParsedTarget {
  providerId: string;
  /** Undefined when the id names only a provider. */
  model: string | undefined;
}

export function parseTarget(target: string): ParsedTarget {
  const colon = target.indexOf(':');
  if (colon === -1) return { providerId: target, model: undefined };
  const model = target.slice(colon + 1);
  return { providerId: target.slice(0, colon), model: model === '' ? undefined : model };
}
