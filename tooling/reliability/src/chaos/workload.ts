import { type ChatRequest, createSeededRandom } from '@ply/core';
import { USERS } from './chaos-stack.ts';

const WORDS = (
  'the a quick brown fox jumps over lazy dog rate limit stream token budget retry ' +
  'circuit simulator answer prompt model deadline café naïve 東京 emoji 🎉 straße'
).split(' ');

/** One call of the soak: what to send and who pays for it. */
export interface PlannedCall {
  id: string;
  stream: boolean;
  /** The budget scope the call is charged to. */
  user: string;
  request: ChatRequest;
}

/**
 * The calls of a soak, drawn from the seed: streamed or not, a user, a prompt of 3 to 40
 * words (the simulator's gpt-4o-mini echoes it) and an output cap that cuts some answers.
 * The call's id travels as the request's `user`, so the simulator's log names its attempts.
 */
export function createWorkload(seed: number, streamShare: number): () => PlannedCall {
  const random = createSeededRandom(seed);
  const pick = (count: number) => Math.floor(random.next() * count);
  let next = 0;
  return () => {
    const id = `call-${next++}`;
    const words = Array.from({ length: 3 + pick(38) }, () => WORDS[pick(WORDS.length)]);
    return {
      id,
      stream: random.next() < streamShare,
      user: `user-${pick(USERS)}`,
      request: {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: words.join(' ') }],
        maxOutputTokens: 8 + pick(56),
        user: id,
      },
    };
  };
}
