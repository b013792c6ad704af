// ply twice: the bare adapter, and the full production stack called through the registry.
import type { ChatStream } from '@ply/core';
import { bareProvider, fullStack, type PlyTarget } from '../ply-stack.ts';
import { COMPLETE_MODEL, COMPLETE_PROMPT, type Peer, STREAM_MODEL } from './peer.ts';

export const PLY_BARE = 'ply bare provider';
export const PLY_FULL = 'ply full stack';

const messages = [{ role: 'user' as const, content: COMPLETE_PROMPT }];

async function readText(stream: ChatStream, onText: (text: string) => void): Promise<void> {
  for await (const event of stream) {
    if (event.type === 'text-delta' && event.delta) onText(event.delta);
  }
}

export function plyBarePeer(target: PlyTarget): Peer {
  const provider = bareProvider(target);
  return {
    name: PLY_BARE,
    async complete() {
      return (await provider.complete({ model: COMPLETE_MODEL, messages })).text;
    },
    stream: (prompt, onText) =>
      readText(
        provider.stream({ model: STREAM_MODEL, messages: [{ role: 'user', content: prompt }] }),
        onText,
      ),
  };
}

export function plyFullPeer(target: PlyTarget): Peer {
  const stack = fullStack(target);
  const completeTarget = stack.target(COMPLETE_MODEL);
  const streamTarget = stack.target(STREAM_MODEL);
  return {
    name: PLY_FULL,
    async complete() {
      return (await stack.client.complete(completeTarget, { messages })).text;
    },
    stream: (prompt, onText) =>
      readText(
        stack.client.stream(streamTarget, { messages: [{ role: 'user', content: prompt }] }),
        onText,
      ),
  };
}
