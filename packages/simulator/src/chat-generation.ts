import { createSeededRandom, type Random } from '@ply/core';
import { type ChatRequestBody, chatAnswer } from './behaviours/chat-answer.js';
import type { SimulatedModel } from './catalogue.js';
import { checkChatRequest, contextLengthExceeded } from './handlers/check-chat-request.js';
import { fnv1a } from './prompt-cache.js';
import type { Simulation } from './simulation.js';
import { countChatPrompt, countText, encodeText, encodingForModel, tokenTexts } from './tokens.js';

interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}
type TokenLogprob = TopLogprob & { top_logprobs: TopLogprob[] };

export interface GeneratedChoice {
  index: number;
  /** The content as token texts: a stream sends one per chunk. */
  contentTokens: string[] | null;
  refusalTokens: string[] | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  logprobs: TokenLogprob[] | null;
}

export interface GeneratedChat {
  id: string;
  created: number;
  model: string;
  serviceTier: string;
  systemFingerprint: string;
  choices: GeneratedChoice[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
    completion_tokens_details: {
      reasoning_tokens: number;
      audio_tokens: number;
      accepted_prediction_tokens: number;
      rejected_prediction_tokens: number;
    };
  };
  rateLimitHeaders: Record<string, string>;
}

const encoderText = new TextEncoder();
const FINGERPRINT = 'fp_ply_sim';

function logprobsFor(tokens: string[], topCount: number, random: Random): TokenLogprob[] {
  const entry = (token: string, logprob: number): TopLogprob => ({
    token,
    logprob: Math.round(logprob * 1e6) / 1e6,
    bytes: [...encoderText.encode(token)],
  });
  return tokens.map((token) => {
    const logprob = -random.next() * 2;
    const alternatives = Array.from({ length: Math.max(0, topCount - 1) }, (_, rank) =>
      entry(`${token.trim() || token}${rank + 1}`, logprob - 1 - rank - random.next()),
    );
    return {
      ...entry(token, logprob),
      top_logprobs: topCount > 0 ? [entry(token, logprob), ...alternatives] : [],
    };
  });
}

/** The prompt as OpenAI's cache sees it: the rendered conversation, tokenised. */
function promptTokenIds(body: ChatRequestBody, model: SimulatedModel): Uint32Array {
  const rendered = body.messages
    .map((message) => `${message.role}\n${JSON.stringify(message.content ?? '')}`)
    .join('\n');
  return encodeText(`${JSON.stringify(body.tools ?? '')}\n${rendered}`, encodingForModel(model.id));
}

/**
 * Everything a chat request produces, before any transport: checks, the deterministic
 * answer of every choice, exact usage, truncation at the output limit, the rate-limit
 * charge. Throws `ApiError` as the API would. Shared by the HTTP endpoint and batches.
 */
export function generateChat(
  simulation: Simulation,
  body: ChatRequestBody,
  apiKey: string,
): GeneratedChat {
  const model = simulation.model(body.model, 'chat');
  checkChatRequest(body, model);
  const encoding = encodingForModel(model.id);
  const promptTokens = countChatPrompt(body, model.id);
  const maxOutput = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
  if (promptTokens + (maxOutput ?? 0) > model.contextWindow)
    throw contextLengthExceeded(model, promptTokens, maxOutput);
  const charged = promptTokens + (maxOutput ?? 0);
  // Without max_tokens the API still stops: at the model's output limit or at the end of
  // the context window, whichever comes first.
  const outputLimit =
    maxOutput ?? Math.min(model.maxOutputTokens, model.contextWindow - promptTokens);
  const rateLimitHeaders = simulation.rateLimiter.acquire(apiKey, charged, model.id);

  const seed = fnv1a(
    JSON.stringify([
      body.model,
      body.messages,
      body.tools,
      body.tool_choice,
      body.response_format,
      body.seed,
      body.reasoning_effort,
    ]),
  );
  const id = simulation.id('chatcmpl-');
  let completionTokens = 0;
  let reasoningTokens = 0;
  const choices: GeneratedChoice[] = [];
  const count = typeof body.n === 'number' ? body.n : 1;
  for (let index = 0; index < count; index++) {
    const random = createSeededRandom((seed + index) >>> 0);
    const answer = chatAnswer(model, body, random);
    let contentTokens = answer.content === null ? null : tokenTexts(answer.content, encoding);
    const refusalTokens = answer.refusal === null ? null : tokenTexts(answer.refusal, encoding);
    let toolCalls = answer.toolCalls.map((call, callIndex) => ({
      id: `call_${id.slice(9)}${index}${callIndex}`,
      ...call,
    }));
    const toolTokens = toolCalls.reduce(
      (sum, call) => sum + countText(call.name, encoding) + countText(call.arguments, encoding),
      0,
    );
    let tokens =
      answer.reasoningTokens +
      (contentTokens?.length ?? 0) +
      (refusalTokens?.length ?? 0) +
      toolTokens;
    let finishReason: GeneratedChoice['finishReason'] =
      toolCalls.length > 0 ? 'tool_calls' : 'stop';
    if (tokens > outputLimit) {
      // Cut at the limit, reasoning first, as the API does (a reasoning model can end empty).
      const room = Math.max(0, outputLimit - answer.reasoningTokens);
      contentTokens = (contentTokens ?? []).slice(0, room);
      toolCalls = [];
      tokens = Math.min(outputLimit, answer.reasoningTokens) + contentTokens.length;
      finishReason = 'length';
    }
    completionTokens += tokens;
    reasoningTokens += Math.min(answer.reasoningTokens, tokens);
    const logprobs =
      body.logprobs === true && contentTokens
        ? logprobsFor(contentTokens, Number(body.top_logprobs ?? 0), random)
        : null;
    choices.push({ index, contentTokens, refusalTokens, toolCalls, finishReason, logprobs });
  }
  const cachedTokens =
    promptTokens >= 1024
      ? Math.min(
          promptTokens,
          simulation.promptCache.lookupAndStore(apiKey, promptTokenIds(body, model)),
        )
      : 0;
  simulation.rateLimiter.settle(apiKey, charged, promptTokens + completionTokens);
  const tier = String(body.service_tier ?? 'default');
  return {
    id,
    created: simulation.nowSeconds(),
    model: body.model,
    serviceTier: tier === 'flex' || tier === 'priority' ? tier : 'default',
    systemFingerprint: FINGERPRINT,
    choices,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: reasoningTokens,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    rateLimitHeaders,
  };
}

/** The first choice's output as generated: what a complete stream must deliver. */
export function outputText(chat: GeneratedChat): string {
  const first = chat.choices[0];
  if (!first) return '';
  return [
    first.contentTokens?.join('') ?? '',
    first.refusalTokens?.join('') ?? '',
    ...first.toolCalls.map((call) => call.arguments),
  ].join('');
}

/** The non-streaming response body. */
export function chatCompletionBody(chat: GeneratedChat): Record<string, unknown> {
  return {
    id: chat.id,
    object: 'chat.completion',
    created: chat.created,
    model: chat.model,
    choices: chat.choices.map((choice) => ({
      index: choice.index,
      message: {
        role: 'assistant',
        content: choice.contentTokens === null ? null : choice.contentTokens.join(''),
        refusal: choice.refusalTokens === null ? null : choice.refusalTokens.join(''),
        ...(choice.toolCalls.length > 0
          ? {
              tool_calls: choice.toolCalls.map((call) => ({
                id: call.id,
                type: 'function',
                function: { name: call.name, arguments: call.arguments },
              })),
            }
          : {}),
        annotations: [],
      },
      logprobs: choice.logprobs === null ? null : { content: choice.logprobs, refusal: null },
      finish_reason: choice.finishReason,
    })),
    usage: chat.usage,
    service_tier: chat.serviceTier,
    system_fingerprint: chat.systemFingerprint,
  };
}

/** The chunk objects of the stream, in order: role, one per token, tool calls, finish, usage. */
export function* chatCompletionChunks(
  chat: GeneratedChat,
  includeUsage: boolean,
): Generator<Record<string, unknown>> {
  const envelope = (choices: unknown[]) => ({
    id: chat.id,
    object: 'chat.completion.chunk',
    created: chat.created,
    model: chat.model,
    service_tier: chat.serviceTier,
    system_fingerprint: chat.systemFingerprint,
    choices,
    ...(includeUsage ? { usage: null } : {}),
  });
  for (const choice of chat.choices) {
    const delta = (fields: Record<string, unknown>, logprobs: unknown = null) =>
      envelope([{ index: choice.index, delta: fields, logprobs, finish_reason: null }]);
    yield delta({ role: 'assistant', content: '', refusal: null });
    for (const [position, token] of (choice.contentTokens ?? []).entries()) {
      const logprob = choice.logprobs?.[position];
      yield delta({ content: token }, logprob ? { content: [logprob], refusal: null } : null);
    }
    for (const token of choice.refusalTokens ?? []) yield delta({ refusal: token });
    for (const [toolIndex, call] of choice.toolCalls.entries()) {
      yield delta({
        tool_calls: [
          {
            index: toolIndex,
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: '' },
          },
        ],
      });
      for (let offset = 0; offset < call.arguments.length; offset += 8) {
        yield delta({
          tool_calls: [
            { index: toolIndex, function: { arguments: call.arguments.slice(offset, offset + 8) } },
          ],
        });
      }
    }
    yield envelope([
      { index: choice.index, delta: {}, logprobs: null, finish_reason: choice.finishReason },
    ]);
  }
  if (includeUsage) yield { ...envelope([]), usage: chat.usage };
}
