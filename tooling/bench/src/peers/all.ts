// The peers of both suites, in table order: the raw SDK (the baseline) first.
import type { PlyTarget } from '../ply-stack.ts';
import { aiSdkPeer } from './ai-sdk.ts';
import { langchainPeer } from './langchain.ts';
import { openaiSdkPeer } from './openai-sdk.ts';
import type { Peer } from './peer.ts';
import { plyBarePeer, plyFullPeer } from './ply.ts';

export function allPeers(target: PlyTarget): Peer[] {
  return [openaiSdkPeer, plyBarePeer, plyFullPeer, aiSdkPeer, langchainPeer].map((create) =>
    create(target),
  );
}
