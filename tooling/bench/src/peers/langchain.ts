// LangChain's ChatOpenAI: `invoke` and `stream`, its openai client given the same fetch.
import { ChatOpenAI } from '@langchain/openai';
import type { PlyTarget } from '../ply-stack.ts';
import { COMPLETE_MODEL, COMPLETE_PROMPT, type Peer, STREAM_MODEL } from './peer.ts';

export const LANGCHAIN = '@langchain/openai';

function chatModel(target: PlyTarget, model: string): ChatOpenAI {
  return new ChatOpenAI({
    model,
    apiKey: target.apiKey,
    maxRetries: 0,
    configuration: {
      baseURL: target.baseURL,
      ...(target.fetch ? { fetch: target.fetch } : {}),
    },
  });
}

export function langchainPeer(target: PlyTarget): Peer {
  const completeModel = chatModel(target, COMPLETE_MODEL);
  const streamModel = chatModel(target, STREAM_MODEL);
  return {
    name: LANGCHAIN,
    async complete() {
      const message = await completeModel.invoke(COMPLETE_PROMPT);
      return message.text;
    },
    async stream(prompt, onText) {
      for await (const chunk of await streamModel.stream(prompt)) {
        const text = chunk.text;
        if (text) onText(text);
      }
    },
  };
}
