// The raw openai SDK: the baseline every ratio is taken to.
import OpenAI from 'openai';
import type { PlyTarget } from '../ply-stack.ts';
import { COMPLETE_MODEL, COMPLETE_PROMPT, type Peer, STREAM_MODEL } from './peer.ts';

export const RAW_SDK = 'openai SDK (raw)';

export function openaiSdkPeer(target: PlyTarget): Peer {
  const client = new OpenAI({
    apiKey: target.apiKey,
    baseURL: target.baseURL,
    maxRetries: 0,
    ...(target.fetch ? { fetch: target.fetch } : {}),
  });
  const messages = [{ role: 'user' as const, content: COMPLETE_PROMPT }];
  return {
    name: RAW_SDK,
    async complete() {
      const completion = await client.chat.completions.create({ model: COMPLETE_MODEL, messages });
      return completion.choices[0]?.message.content ?? '';
    },
    async stream(prompt, onText) {
      const stream = await client.chat.completions.create({
        model: STREAM_MODEL,
        messages: [{ role: 'user', content: prompt }],
        stream: true,
        // Usage at the end, as ply, the AI SDK and LangChain ask for: all read one stream.
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta.content;
        if (text) onText(text);
      }
    },
  };
}
