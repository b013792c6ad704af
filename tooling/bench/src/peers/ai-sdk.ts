// Vercel's AI SDK: `generateText` / `streamText` over `@ai-sdk/openai`'s chat model (the
// simulator serves chat completions, not the Responses API the default model would call).
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import type { PlyTarget } from '../ply-stack.ts';
import { COMPLETE_MODEL, COMPLETE_PROMPT, type Peer, STREAM_MODEL } from './peer.ts';

export const AI_SDK = '@ai-sdk/openai (ai)';

export function aiSdkPeer(target: PlyTarget): Peer {
  const openai = createOpenAI({
    apiKey: target.apiKey,
    baseURL: target.baseURL,
    ...(target.fetch ? { fetch: target.fetch } : {}),
  });
  const completeModel = openai.chat(COMPLETE_MODEL);
  const streamModel = openai.chat(STREAM_MODEL);
  return {
    name: AI_SDK,
    async complete() {
      const result = await generateText({
        model: completeModel,
        prompt: COMPLETE_PROMPT,
        maxRetries: 0,
      });
      return result.text;
    },
    async stream(prompt, onText) {
      const result = streamText({ model: streamModel, prompt, maxRetries: 0 });
      for await (const text of result.textStream) if (text) onText(text);
    },
  };
}
