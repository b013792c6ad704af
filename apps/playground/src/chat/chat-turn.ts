import { performance } from 'node:perf_hooks';
import {
  AbortedError,
  type ChatRequest,
  type CostSummary,
  type PartialOutput,
  type PlyError,
  StreamInterruptedError,
  toPlyError,
  type Usage,
} from '@ply/core';
import type { LedgerEntry } from '@ply/cost';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import type { AssistantReply } from './chat-session.js';

/**
 * How an answer ended. `stopped` is the user's Ctrl-C; `failed` is any error, with the
 * text that had arrived before it (a cut stream keeps its partial output).
 */
export type TurnStatus = 'completed' | 'stopped' | 'failed';

export interface TurnOutcome {
  status: TurnStatus;
  reply: AssistantReply;
  error?: PlyError;
  /** Billed usage, or the cost layer's estimate for a stream that stopped early. */
  usage?: Usage;
  cost?: CostSummary;
  firstTokenMs?: number;
  tokensPerSecond?: number;
}

export interface TurnOptions {
  stack: PlaygroundStack;
  target: string;
  request: ChatRequest;
  /** Aborting it stops the answer; what arrived so far is kept. */
  signal: AbortSignal;
  onText(delta: string): void;
  onRefusal(delta: string): void;
}

/** Streams one answer through the stack, writing it as it arrives. Never throws. */
export async function streamTurn(options: TurnOptions): Promise<TurnOutcome> {
  const { stack, signal } = options;
  const lastBefore = lastLedgerEntry(stack);
  const startedAt = performance.now();
  let firstAt: number | undefined;
  const reply = { text: '', refusal: '' };
  try {
    const stream = stack.registry.stream(options.target, options.request, { signal });
    for await (const event of stream) {
      if (event.type === 'text-delta' || event.type === 'refusal-delta') {
        firstAt ??= performance.now();
        if (event.type === 'text-delta') {
          reply.text += event.delta;
          options.onText(event.delta);
        } else {
          reply.refusal += event.delta;
          options.onRefusal(event.delta);
        }
      }
    }
    const result = await stream.result;
    return {
      status: 'completed',
      reply: replyOf(result.text, result.refusal ?? ''),
      usage: result.usage,
      ...(result.cost ? { cost: result.cost } : {}),
      ...speed(startedAt, firstAt, performance.now(), result.usage),
    };
  } catch (caught) {
    const endedAt = performance.now();
    const error = toPlyError(caught);
    const partial = partialOf(error);
    const kept = partial
      ? replyOf(partial.text, partial.refusal)
      : replyOf(reply.text, reply.refusal);
    const stopped = signal.aborted && AbortedError.isInstance(error);
    const entry = kept.text || kept.refusal ? entrySince(stack, lastBefore) : undefined;
    return {
      status: stopped ? 'stopped' : 'failed',
      reply: kept,
      ...(stopped ? {} : { error }),
      ...(entry ? { usage: entry.usage, cost: entry.cost } : {}),
      ...speed(startedAt, firstAt, endedAt, entry?.usage),
    };
  }
}

function replyOf(text: string, refusal: string): AssistantReply {
  return refusal ? { text, refusal } : { text };
}

function partialOf(error: PlyError): PartialOutput | undefined {
  if (AbortedError.isInstance(error) || StreamInterruptedError.isInstance(error)) {
    return error.partial;
  }
  return undefined;
}

function speed(
  startedAt: number,
  firstAt: number | undefined,
  endedAt: number,
  usage: Usage | undefined,
): Pick<TurnOutcome, 'firstTokenMs' | 'tokensPerSecond'> {
  if (firstAt === undefined) return {};
  const seconds = (endedAt - firstAt) / 1000;
  const tokens = usage?.outputTokens ?? 0;
  // One token, or an instant stream, has no meaningful rate.
  const rate = seconds > 0 && tokens > 1 ? { tokensPerSecond: tokens / seconds } : {};
  return { firstTokenMs: firstAt - startedAt, ...rate };
}

function lastLedgerEntry(stack: PlaygroundStack): LedgerEntry | undefined {
  return stack.ledger.entries().at(-1);
}

/**
 * The ledger entry the cost layer wrote for this turn's stream when it stopped after
 * output arrived, priced at an estimate. It is there by the time the turn sees the error:
 * the cost layer records a cut stream before passing its error on, and an aborted one
 * synchronously as the abort fires (`@ply/cost`'s `costTracking`). The chat runs one turn
 * at a time, so a new last entry is this turn's.
 */
function entrySince(
  stack: PlaygroundStack,
  lastBefore: LedgerEntry | undefined,
): LedgerEntry | undefined {
  const last = lastLedgerEntry(stack);
  return last === lastBefore ? undefined : last;
}
