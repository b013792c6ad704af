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
  ownedBy: id.startsWith('sim-') ? 'ply-simulator' : 'system',
  created: 1_700_000_000,
  contextWindow,
  maxOutputTokens,
});

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
  chat('gpt-4o-mini', 'echo'),
  chat('gpt-4o', 'echo'),
  chat('gpt-4.1-mini', 'echo', 1_047_576, 32_768),
  chat('gpt-4.1-nano', 'echo', 1_047_576, 32_768),
  chat('gpt-4-turbo', 'echo', 128_000, 4_096),
  chat('gpt-3.5-turbo', 'echo', 16_385, 4_096),
  chat('o3-mini', 'reasoning', 200_000, 100_000),
  chat('o4-mini', 'reasoning', 200_000, 100_000),
  chat('gpt-5', 'reasoning', 400_000, 128_000),
  chat('gpt-5-mini', 'reasoning', 400_000, 128_000),
  chat('gpt-5-nano', 'reasoning', 400_000, 128_000),
  {
    id: 'gpt-3.5-turbo-instruct',
    kind: 'completion',
    behaviour: 'echo',
    ownedBy: 'system',
    created: 1_692_901_427,
    contextWindow: 4_096,
    maxOutputTokens: 4_096,
  },
  {
    id: 'text-embedding-3-small',
    kind: 'embedding',
    ownedBy: 'system',
    created: 1_705_948_997,
    contextWindow: 8_191,
    maxOutputTokens: 0,
    dimensions: 1536,
    shortenable: true,
  },
  {
    id: 'text-embedding-3-large',
    kind: 'embedding',
    ownedBy: 'system',
    created: 1_705_953_180,
    contextWindow: 8_191,
    maxOutputTokens: 0,
    dimensions: 3072,
    shortenable: true,
  },
  {
    id: 'text-embedding-ada-002',
    kind: 'embedding',
    ownedBy: 'openai-internal',
    created: 1_671_217_299,
    contextWindow: 8_191,
    maxOutputTokens: 0,
    dimensions: 1536,
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
