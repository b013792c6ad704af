import type { ChatResult, ChatStreamEvent, Usage } from '@ply/core';
import type { ChatCompletionChunk } from '@ply/response-models';
import { choiceLogprobsToWire, completionId, finishReasonToWire } from './chat-result-to-wire.js';
import { usageToWire } from './usage-to-wire.js';

type ChunkChoice = ChatCompletionChunk['choices'][number];
type Delta = ChunkChoice['delta'];
type Identity = Pick<
  ChatCompletionChunk,
  'id' | 'created' | 'model' | 'system_fingerprint' | 'service_tier'
>;

export interface StreamToChunksOptions {
  /** Send a usage chunk (empty `choices`) before the end. */
  includeUsage: boolean;
  /** The model to name when the upstream chunks do not. */
  requestedModel: string;
}

/** The stream's events; `result` gives the usage when no usage event came. */
export interface ChatEvents extends AsyncIterable<ChatStreamEvent> {
  readonly result: Promise<ChatResult>;
}

/** Each chunk repeats the upstream's id, created, model and fingerprint, as the API does. */
function identityOf(raw: unknown, requestedModel: string): Identity {
  const chunk = (
    typeof raw === 'object' && raw !== null ? raw : {}
  ) as Partial<ChatCompletionChunk>;
  const identity: Identity = {
    id: typeof chunk.id === 'string' ? chunk.id : completionId(),
    created: typeof chunk.created === 'number' ? chunk.created : Math.floor(Date.now() / 1000),
    model: typeof chunk.model === 'string' && chunk.model !== '' ? chunk.model : requestedModel,
  };
  if (typeof chunk.system_fingerprint === 'string') {
    identity.system_fingerprint = chunk.system_fingerprint;
  }
  if (typeof chunk.service_tier === 'string') identity.service_tier = chunk.service_tier;
  return identity;
}

/**
 * Core stream events as OpenAI `chat.completion.chunk`s: the role in each choice's first
 * delta, text, refusal and tool-call fragments as they come, the finish reason, and, when
 * asked, one usage chunk with no choices last. Events that add nothing to the wire (cost,
 * a completed tool call already sent as fragments) send nothing.
 */
export async function* streamToChunks(
  events: ChatEvents,
  options: StreamToChunksOptions,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  let identity: Identity | undefined;
  const started = new Set<number>();
  const fragmented = new Set<string>();
  let usage: Usage | undefined;

  const chunk = (
    raw: unknown,
    choiceIndex: number,
    delta: Delta,
    extra: Partial<ChunkChoice> = {},
  ): ChatCompletionChunk => {
    identity ??= identityOf(raw, options.requestedModel);
    const first = !started.has(choiceIndex);
    started.add(choiceIndex);
    return {
      ...identity,
      object: 'chat.completion.chunk',
      choices: [
        {
          index: choiceIndex,
          delta: first ? { role: 'assistant', ...delta } : delta,
          finish_reason: null,
          ...extra,
        },
      ],
    };
  };

  for await (const event of events) {
    switch (event.type) {
      case 'text-delta':
        yield chunk(event.raw, event.choiceIndex, { content: event.delta });
        break;
      case 'refusal-delta':
        yield chunk(event.raw, event.choiceIndex, { refusal: event.delta });
        break;
      case 'tool-call-delta': {
        fragmented.add(`${event.choiceIndex}/${event.toolCallIndex}`);
        const opening = event.id === undefined ? {} : { id: event.id, type: 'function' as const };
        yield chunk(event.raw, event.choiceIndex, {
          tool_calls: [
            {
              index: event.toolCallIndex,
              ...opening,
              function: {
                ...(event.name === undefined ? {} : { name: event.name }),
                arguments: event.argumentsDelta,
              },
            },
          ],
        });
        break;
      }
      case 'tool-call':
        // A provider that sends whole calls only: one fragment carrying all of it.
        if (!fragmented.has(`${event.choiceIndex}/${event.toolCallIndex}`)) {
          const { id, name, arguments: args } = event.toolCall;
          yield chunk(event.raw, event.choiceIndex, {
            tool_calls: [
              {
                index: event.toolCallIndex,
                id,
                type: 'function',
                function: { name, arguments: args },
              },
            ],
          });
        }
        break;
      case 'logprobs':
        yield chunk(
          event.raw,
          event.choiceIndex,
          {},
          {
            logprobs: choiceLogprobsToWire(event.content, event.refusal),
          },
        );
        break;
      case 'finish':
        yield chunk(
          event.raw,
          event.choiceIndex,
          {},
          {
            finish_reason: finishReasonToWire(event.finishReason),
          },
        );
        break;
      case 'usage':
        // Held back: the API sends usage after every choice has finished.
        usage = event.usage;
        break;
      case 'cost':
        break;
    }
  }
  if (options.includeUsage) {
    usage ??= (await events.result).usage;
    identity ??= identityOf(undefined, options.requestedModel);
    yield { ...identity, object: 'chat.completion.chunk', choices: [], usage: usageToWire(usage) };
  }
}
