import type { Interaction, RecordedRequest } from './cassette.js';
import { jsonDifferences } from './json-diff.js';

/** A request to replay, as the cassette would have kept it (redacted). */
export type RequestKey = Pick<RecordedRequest, 'method' | 'path' | 'body'>;

/** Index of the first interaction not yet replayed whose method, path and body match. */
export function findInteraction(
  interactions: readonly Interaction[],
  used: ReadonlySet<number>,
  key: RequestKey,
): number | undefined {
  const index = interactions.findIndex(
    ({ request }, at) =>
      !used.has(at) &&
      request.method === key.method &&
      request.path === key.path &&
      jsonDifferences(request.body, key.body, 1).length === 0,
  );
  return index === -1 ? undefined : index;
}

/** How the nearest recorded request differs from `key`, for a miss's message. */
export function describeClosest(
  interactions: readonly Interaction[],
  used: ReadonlySet<number>,
  key: RequestKey,
): string | undefined {
  if (interactions.length === 0) return 'the cassette is empty';
  const samePath = interactions
    .map(({ request }, index) => ({ request, index }))
    .filter(({ request }) => request.method === key.method && request.path === key.path);
  if (samePath.length === 0) {
    const recorded = [...new Set(interactions.map(({ request }) => request.path))];
    const sameRoute = interactions.find(({ request }) => request.path === key.path);
    if (sameRoute) return `${key.path} was recorded with ${sameRoute.request.method} only`;
    return `recorded paths are ${recorded.slice(0, 5).join(', ')}${recorded.length > 5 ? ', ...' : ''}`;
  }
  const scored = samePath.map(({ request, index }) => ({
    index,
    differences: jsonDifferences(request.body, key.body, Number.POSITIVE_INFINITY),
  }));
  if (scored.every(({ differences }) => differences.length === 0)) {
    return `all ${scored.length} matching interactions were already replayed`;
  }
  // The unused interaction with the fewest differing fields is the one the caller most
  // likely meant.
  const best = scored
    .filter(({ index, differences }) => differences.length > 0 && !used.has(index))
    .sort((a, b) => a.differences.length - b.differences.length)[0];
  if (!best) return `all ${scored.length} interactions for this path were already replayed`;
  const shown = best.differences.slice(0, 5).join('; ');
  const more = best.differences.length > 5 ? `; and ${best.differences.length - 5} more` : '';
  return `interaction #${best.index} has a different body: ${shown}${more}`;
}
