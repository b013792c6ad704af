import { defaultCatalogue } from '@ply/models';
import type { EncodingName } from './tokens.js';

/** How a simulated chat model answers. */
export type Behaviour = 'echo' | 'lorem' | 'tools' | 'json' | 'refusal' | 'reasoning';

export interface SimulatedModel {
  id: string;
  kind: 'chat' | 'completion' | 'embedding';
  behaviour?: Behaviour;
  ownedBy: string;
  /** Unix seconds. */
  created: number;
  contextWindow: number;
  maxOutputTokens: number;
  /** Embedding width, and whether `dimensions` may shorten it. */
  dimensions?: number;
  shortenable?: boolean;
  encoding?: EncodingName;
}

const chat = (
  id: string,
  behaviour: Behaviour,
  contextWindow = 128_000,
  maxOutputTokens = 16_384,
): SimulatedModel => ({
  id,
  kind: 'chat',
  behaviour,
  ownedBy: 'ply-simulator',
  created: 1_700_000_000,
  contextWindow,
  maxOutputTokens,
});

/**
 * One of OpenAI's models, with the limits ply's catalogue (`@ply/models`) gives it, so the
 * simulator refuses and caps exactly where the adapter and the cost layer expect; it
 * answers like `sim-echo`, or `sim-reasoning` for a reasoning model.
 */
function openai(id: string, kind: SimulatedModel['kind'] = 'chat'): SimulatedModel {
  const entry = defaultCatalogue.resolve(id);
  if (entry?.contextWindow === undefined || entry.maxOutputTokens === undefined) {
    throw new Error(`the catalogue has no limits for ${id}`);
  }
  const model: SimulatedModel = {
    id,
    kind,
    ownedBy: 'system',
    created: 1_700_000_000,
    contextWindow: entry.contextWindow,
    maxOutputTokens: entry.maxOutputTokens,
  };
  if (kind !== 'embedding') model.behaviour = entry.capabilities.reasoning ? 'reasoning' : 'echo';
  if (entry.embeddingDimensions !== undefined) model.dimensions = entry.embeddingDimensions;
  return model;
}

/**
 * The models the simulator serves. `sim-*` models show one behaviour each; real model ids
 * answer like `sim-echo` (or `sim-reasoning` for reasoning models) so that code written
 * for the real API runs unchanged against the simulator, with the right encodings and
 * context windows.
 */
export const DEFAULT_MODELS: readonly SimulatedModel[] = [
  chat('sim-echo', 'echo'),
  chat('sim-lorem', 'lorem'),
  chat('sim-tools', 'tools'),
  chat('sim-json', 'json'),
  chat('sim-refusal', 'refusal'),
  chat('sim-reasoning', 'reasoning', 200_000, 100_000),
  chat('sim-small', 'echo', 4_096, 1_024),
  openai('gpt-4o-mini'),
  openai('gpt-4o'),
  openai('gpt-4.1-mini'),
  openai('gpt-4.1-nano'),
  openai('gpt-4-turbo'),
  openai('gpt-3.5-turbo'),
  openai('o3-mini'),
  openai('o4-mini'),
  openai('gpt-5'),
  openai('gpt-5-mini'),
  openai('gpt-5-nano'),
  { ...openai('gpt-3.5-turbo-instruct', 'completion'), behaviour: 'echo', created: 1_692_901_427 },
  { ...openai('text-embedding-3-small', 'embedding'), created: 1_705_948_997, shortenable: true },
  { ...openai('text-embedding-3-large', 'embedding'), created: 1_705_953_180, shortenable: true },
  {
    ...openai('text-embedding-ada-002', 'embedding'),
    ownedBy: 'openai-internal',
    created: 1_671_217_299,
    shortenable: false,
  },
  {
    id: 'sim-embed',
    kind: 'embedding',
    ownedBy: 'ply-simulator',
    created: 1_700_000_000,
    contextWindow: 8_191,
    maxOutputTokens: 0,
    dimensions: 64,
    shortenable: true,
  },
];

export function isReasoningModel(model: SimulatedModel): boolean {
  return model.behaviour === 'reasoning';
}
