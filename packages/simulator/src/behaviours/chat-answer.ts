import type { Random } from '@ply/core';
import type { SimulatedModel } from '../catalogue.js';
import { loremWords } from './lorem.js';
import { sampleJson } from './sample-json.js';

/** What a simulated model answers, before tokenisation and truncation. */
export interface ChatAnswer {
  content: string | null;
  refusal: string | null;
  toolCalls: { name: string; arguments: string }[];
  /** Hidden reasoning tokens, billed inside completion tokens. */
  reasoningTokens: number;
}

export interface ChatRequestBody {
  model: string;
  messages: {
    role: string;
    content?: unknown;
    name?: string;
    tool_calls?: unknown;
    tool_call_id?: string;
  }[];
  tools?: { type: string; function?: { name: string; parameters?: unknown } }[];
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  response_format?: { type: string; json_schema?: { name?: string; schema?: unknown } };
  reasoning_effort?: string;
  [key: string]: unknown;
}

export const REFUSAL = "I'm sorry, but I can't help with that request.";
const REASONING_PER_WORD: Record<string, number> = {
  none: 0,
  minimal: 2,
  low: 8,
  medium: 16,
  high: 32,
  xhigh: 48,
};

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part?.type === 'text' ? String(part.text ?? '') : '')).join('');
}

function lastUserText(request: ChatRequestBody): string {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index];
    if (message?.role === 'user') return text(message.content);
  }
  return '';
}

function echo(request: ChatRequestBody): string {
  return lastUserText(request) || 'Hello from the ply simulator.';
}

/** The functions a tools model calls: the one `tool_choice` names, all on request, else the first. */
function chosenTools(request: ChatRequestBody): { name: string; parameters?: unknown }[] {
  const functions = (request.tools ?? []).flatMap((tool) =>
    tool.type === 'function' && tool.function ? [tool.function] : [],
  );
  const choice = request.tool_choice as { function?: { name?: string } } | string | undefined;
  if (choice === 'none' || functions.length === 0) return [];
  if (typeof choice === 'object' && choice?.function?.name) {
    return functions.filter((fn) => fn.name === choice.function?.name);
  }
  const parallel =
    request.parallel_tool_calls !== false &&
    /\bparallel\b|\ball tools\b/i.test(lastUserText(request));
  return parallel ? functions : functions.slice(0, 1);
}

function toolsAnswer(request: ChatRequestBody, random: Random): ChatAnswer {
  const last = request.messages.at(-1);
  if (last?.role === 'tool') {
    // The results came back: summarise them as the final answer.
    const results = request.messages
      .filter((message) => message.role === 'tool')
      .map((message) => text(message.content));
    return {
      content: `Tool results: ${results.join('; ')}`,
      refusal: null,
      toolCalls: [],
      reasoningTokens: 0,
    };
  }
  const tools = chosenTools(request);
  if (tools.length === 0)
    return { content: echo(request), refusal: null, toolCalls: [], reasoningTokens: 0 };
  return {
    content: null,
    refusal: null,
    toolCalls: tools.map((tool) => ({
      name: tool.name,
      arguments: JSON.stringify(sampleJson(tool.parameters ?? {}, random)),
    })),
    reasoningTokens: 0,
  };
}

function jsonAnswer(request: ChatRequestBody, random: Random): string {
  const format = request.response_format;
  if (format?.type === 'json_schema')
    return JSON.stringify(sampleJson(format.json_schema?.schema ?? {}, random));
  if (format?.type === 'json_object') return JSON.stringify({ answer: echo(request) });
  return echo(request);
}

/** The deterministic answer of `model` to `request`; `random` is seeded from the request. */
export function chatAnswer(
  model: SimulatedModel,
  request: ChatRequestBody,
  random: Random,
): ChatAnswer {
  const plain = (content: string): ChatAnswer => ({
    content,
    refusal: null,
    toolCalls: [],
    reasoningTokens: 0,
  });
  switch (model.behaviour) {
    case 'lorem': {
      const requested = /(\d+)\s*words?/i.exec(lastUserText(request))?.[1];
      return plain(loremWords(requested ? Number(requested) : 50, random));
    }
    case 'tools':
      return toolsAnswer(request, random);
    case 'json':
      return plain(jsonAnswer(request, random));
    case 'refusal':
      return { content: null, refusal: REFUSAL, toolCalls: [], reasoningTokens: 0 };
    case 'reasoning': {
      const words = lastUserText(request).split(/\s+/).filter(Boolean).length;
      const perWord = REASONING_PER_WORD[request.reasoning_effort ?? 'medium'] ?? 16;
      const answer = request.tools?.length
        ? toolsAnswer(request, random)
        : plain(jsonAnswer(request, random));
      return { ...answer, reasoningTokens: Math.max(perWord, words * perWord) };
    }
    default:
      return plain(jsonAnswer(request, random));
  }
}
