// `node --cpu-prof --cpu-prof-dir=.reports/profile src/overhead/profile.ts [full|bare|sdk]
// [calls] [fake|http]` runs one client's non-streaming calls, one at a time, against the
// fake fetch (no network: the profile shows the client's own work alone) or the fixed-answer
// server in a separate process; `summarise-profile.ts` then lists where the time went.
import { openaiSdkPeer } from '../peers/openai-sdk.ts';
import { plyBarePeer, plyFullPeer } from '../peers/ply.ts';
import { fakeFetch, separateProcessServer } from './fixed-answer-transports.ts';

const which = process.argv[2] ?? 'full';
const calls = Number(process.argv[3] ?? 50_000);
const transport = process.argv[4] === 'http' ? await separateProcessServer() : fakeFetch();
const target = {
  baseURL: transport.baseURL,
  apiKey: 'bench-not-a-key',
  ...(transport.fetch ? { fetch: transport.fetch } : {}),
};
const peer =
  which === 'sdk'
    ? openaiSdkPeer(target)
    : which === 'bare'
      ? plyBarePeer(target)
      : plyFullPeer(target);
for (let index = 0; index < 2_000; index++) await peer.complete();
const started = performance.now();
for (let index = 0; index < calls; index++) await peer.complete();
const us = ((performance.now() - started) * 1000) / calls;
console.log(`${peer.name}: ${us.toFixed(1)} µs a call over ${calls} calls, ${transport.name}`);
await transport.close();
