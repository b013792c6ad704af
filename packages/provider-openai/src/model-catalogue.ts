import type { ModelCapabilities } from '@ply/core';

export interface KnownModel {
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: ModelCapabilities;
}

const chat = (
  contextWindow: number,
  maxOutputTokens: number,
  flags: Partial<ModelCapabilities> = {},
): KnownModel => ({
  contextWindow,
  maxOutputTokens,
  capabilities: {
    streaming: true,
    tools: true,
    parallelToolCalls: true,
    vision: false,
    structuredOutput: false,
    reasoning: false,
    logprobs: true,
    embeddings: false,
    ...flags,
  },
});

const modern = { vision: true, structuredOutput: true };
const reasoning = { ...modern, reasoning: true, logprobs: false, parallelToolCalls: false };
const embedding = (dimensions: number): KnownModel => ({
  contextWindow: 8_191,
  maxOutputTokens: 0,
  capabilities: {
    streaming: false,
    tools: false,
    parallelToolCalls: false,
    vision: false,
    structuredOutput: false,
    reasoning: false,
    logprobs: false,
    embeddings: dimensions > 0,
  },
});

/**
 * What OpenAI publishes for its model families, longest prefix first, so dated snapshots
 * (`gpt-4o-2024-08-06`) and fine-tunes (`ft:gpt-4o-mini:...`) resolve to their family.
 */
const FAMILIES: [prefix: string, model: KnownModel][] = [
  ['gpt-5', chat(400_000, 128_000, reasoning)],
  ['gpt-4.1', chat(1_047_576, 32_768, modern)],
  ['gpt-4o-mini', chat(128_000, 16_384, modern)],
  ['gpt-4o', chat(128_000, 16_384, modern)],
  ['chatgpt-4o', chat(128_000, 16_384, modern)],
  ['gpt-4-turbo', chat(128_000, 4_096, { vision: true })],
  ['gpt-4-32k', chat(32_768, 32_768)],
  ['gpt-4', chat(8_192, 8_192)],
  ['gpt-3.5-turbo-instruct', chat(4_096, 4_096, { tools: false, parallelToolCalls: false })],
  ['gpt-3.5-turbo', chat(16_385, 4_096)],
  [
    'o1-mini',
    chat(128_000, 65_536, { ...reasoning, tools: false, vision: false, structuredOutput: false }),
  ],
  ['o1', chat(200_000, 100_000, reasoning)],
  ['o3-mini', chat(200_000, 100_000, { ...reasoning, vision: false })],
  ['o3', chat(200_000, 100_000, reasoning)],
  ['o4-mini', chat(200_000, 100_000, reasoning)],
  ['text-embedding-3-large', embedding(3072)],
  ['text-embedding-3-small', embedding(1536)],
  ['text-embedding-ada-002', embedding(1536)],
];

/** The family entry of `model`, when OpenAI publishes it. */
export function knownModel(model: string): KnownModel | undefined {
  const base = model.replace(/^ft:/, '');
  return FAMILIES.find(
    ([prefix]) => base === prefix || base.startsWith(`${prefix}-`) || base.startsWith(`${prefix}:`),
  )?.[1];
}

/** Reasoning models take `max_completion_tokens`, `developer` messages and no sampling knobs. */
export function isReasoningModel(model: string): boolean {
  return (
    knownModel(model)?.capabilities.reasoning ?? /^(o\d|gpt-5)/.test(model.replace(/^ft:/, ''))
  );
}

/** What an unknown model (a compatible server's) is assumed to support. */
export const DEFAULT_CAPABILITIES: ModelCapabilities = chat(0, 0).capabilities;
