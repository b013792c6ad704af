import type { ChatRequestBody } from '../behaviours/chat-answer.js';
import {
  chatCompletionBody,
  chatCompletionChunks,
  generateChat,
  outputText,
} from '../chat-generation.js';
import type { Handler } from '../handler.js';
import { requireObject } from './require-object.js';

/** `POST /v1/chat/completions`, non-streaming and streaming (paced on the simulator clock). */
export const chatCompletions: Handler = async ({ body, apiKey, simulation, signal }) => {
  const request = requireObject(body) as ChatRequestBody;
  const chat = generateChat(simulation, request, apiKey);
  const log = { model: chat.model, outputText: outputText(chat), usage: chat.usage };
  if (request.stream !== true) {
    return { kind: 'json', body: chatCompletionBody(chat), headers: chat.rateLimitHeaders, log };
  }
  const includeUsage =
    (request.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const { firstTokenDelayMs = 0, tokenDelayMs = 0 } = simulation.options.pace ?? {};
  async function* payloads() {
    let sent = 0;
    for (const chunk of chatCompletionChunks(chat, includeUsage)) {
      const delay = sent === 1 ? firstTokenDelayMs : sent > 1 ? tokenDelayMs : 0;
      if (delay > 0) await simulation.clock.sleep(delay, signal);
      yield JSON.stringify(chunk);
      sent++;
    }
  }
  return { kind: 'sse', payloads: payloads(), headers: chat.rateLimitHeaders, log };
};
