// Lenient mode keeps a string the spec does not list wherever the spec fixes one (enums,
// literals, the tags of union variants), and strict mode refuses it: the schemas' every
// such place is tried, in a value otherwise valid, built from the schemas themselves.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamPayloads } from './corpus.test-support.js';
import type { OpenAIComponents } from './generated/openai-schemas.js';
import {
  type LiteralPlace,
  literalNodes,
  literalPlaces,
  valueAt,
} from './literal-places.test-support.js';
import { openAISchemas } from './openai-schemas.js';
import { parseResponse, safeParseOpenAI } from './parse.js';

type Component = keyof OpenAIComponents;

const SCHEMAS = openAISchemas('strict');
const COMPONENTS = Object.keys(SCHEMAS).sort() as Component[];
const PLACES: { component: Component; place: LiteralPlace }[] = COMPONENTS.flatMap((component) =>
  literalPlaces(SCHEMAS[component]).map((place) => ({ component, place })),
);
const { nodes: LITERALS, strings: KNOWN } = literalNodes(SCHEMAS);
const where = (component: string, place: LiteralPlace) =>
  `${component} at ${place.path.join('.') || '(root)'}`;

/** What goes wrong at `place` with `unknown` there; empty when all is as it should be. */
function problems(component: Component, place: LiteralPlace, unknown: string): string[] {
  const found: string[] = [];
  const lenient = safeParseOpenAI(component, place.valueWith(unknown));
  if (!lenient.success) found.push(`lenient refused it: ${lenient.error.message}`);
  else if (valueAt(lenient.data, place.path) !== unknown) found.push('lenient did not keep it');
  const strict = safeParseOpenAI(component, place.valueWith(unknown), { mode: 'strict' });
  if (strict.success && !place.open) found.push('strict accepted it');
  return found.map((problem) => `${where(component, place)}: ${problem}`);
}

describe('an unknown string where the spec fixes one', () => {
  it('finds the places: every enum, literal and variant tag of every component', () => {
    expect(COMPONENTS.length).toBeGreaterThan(300);
    const tried = new Set(PLACES.map(({ place }) => place.node));
    const untried = [...LITERALS].filter((node) => !tried.has(node));
    expect(untried).toEqual([]);
    expect(LITERALS.size).toBeGreaterThan(250);
    // Open places (a sibling option takes any string) are the exception.
    expect(PLACES.filter(({ place }) => place.open).length).toBeLessThan(PLACES.length / 10);
  });

  it('builds each value valid in strict mode with the known string', () => {
    const invalid = PLACES.filter(
      ({ component, place }) =>
        !safeParseOpenAI(component, place.valueWith(place.known), { mode: 'strict' }).success,
    ).map(({ component, place }) => where(component, place));
    expect(invalid).toEqual([]);
  });

  it('is kept by lenient parsing and refused by strict parsing, at every place', () => {
    const unknown = 'ply_unknown_value';
    expect(KNOWN.has(unknown)).toBe(false);
    const found = PLACES.flatMap(({ component, place }) => problems(component, place, unknown));
    expect(found).toEqual([]);
  });

  it('holds for any string the spec does not list, at any place', () => {
    const unknown = fc.string({ maxLength: 24 }).filter((text) => !KNOWN.has(text));
    fc.assert(
      fc.property(fc.constantFrom(...PLACES), unknown, ({ component, place }, text) => {
        expect(problems(component, place, text)).toEqual([]);
      }),
      { seed: 20_250_812, numRuns: 400 },
    );
  });
});

describe('a web search source of a type the spec lacks (seen in real traffic)', () => {
  /** The recorded response of a web search, from the corpus where it lives. */
  function recordedWebSearch(): { output: { type: string; action: Record<string, unknown> }[] } {
    const completed = streamPayloads('responses_stream-03-dotnet-websearch.sse')
      .filter((payload) => payload !== '[DONE]')
      .map((payload) => JSON.parse(payload))
      .find((event) => event.type === 'response.completed');
    return completed.response;
  }

  it('parses, keeping the source as sent, with the known sources still typed', () => {
    const response = recordedWebSearch();
    const call = response.output.find((item) => item.type === 'web_search_call');
    if (!call) throw new Error('the recording has no web_search_call');
    const sources = [
      { type: 'url', url: 'https://example.com/weather' },
      { type: 'api', name: 'oai-weather' },
    ];
    call.action.sources = sources;
    const parsed = parseResponse(response);
    const [item] = parsed.output ?? [];
    expect((item as { action?: { sources?: unknown } } | undefined)?.action?.sources).toEqual(
      sources,
    );
    expect(safeParseOpenAI('Response', response, { mode: 'strict' }).success).toBe(false);
    // A known source type is still checked against its shape.
    call.action.sources = [{ type: 'url', url: 42 }];
    expect(safeParseOpenAI('Response', response).success).toBe(false);
  });
});

describe('a union without a named discriminator (Item) in lenient mode', () => {
  const call = { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' };

  it('keeps an item of a type it does not know', () => {
    const future = { type: 'future_item', call_id: 42 };
    expect(safeParseOpenAI('Item', future)).toEqual({ success: true, data: future });
  });

  it('still checks an item of a known type against its shape', () => {
    expect(safeParseOpenAI('Item', call).success).toBe(true);
    const result = safeParseOpenAI('Item', { ...call, arguments: 42 });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.path).toBe('arguments');
  });
});
