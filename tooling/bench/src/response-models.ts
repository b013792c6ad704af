// Validation cost of @ply/response-models: a large chat completion, and a 10,000-chunk
// stream, lenient and strict, against JSON.parse alone (the floor) and against the openai
// SDK's own stream parsing (SSE decoding and JSON.parse, no validation).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openAISchemas } from '@ply/response-models';
import { createParser } from 'eventsource-parser';
import { Stream } from 'openai/core/streaming';
import { measure, printTable } from './measure.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/reference/corpus/', import.meta.url));
const PIECE_BYTES = 4096;

/** A 10,000-chunk SSE body made from a real recorded chunk, cut into network-sized pieces. */
function syntheticStream(chunks: number): Uint8Array[] {
  const lines = readFileSync(`${CORPUS}chat_stream-01-vercel-text.jsonl`, 'utf8').split('\n');
  const template = JSON.parse(lines[1] as string);
  let body = '';
  for (let index = 0; index < chunks; index++) {
    template.choices[0].delta.content = ` word${index}`;
    body += `data: ${JSON.stringify(template)}\n\n`;
  }
  body += 'data: [DONE]\n\n';
  const bytes = new TextEncoder().encode(body);
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += PIECE_BYTES) {
    pieces.push(bytes.subarray(offset, offset + PIECE_BYTES));
  }
  return pieces;
}

function parseSse(pieces: Uint8Array[], onChunk: (value: unknown) => void): void {
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent: (event) => {
      if (event.data !== '[DONE]') onChunk(JSON.parse(event.data));
    },
  });
  for (const piece of pieces) parser.feed(decoder.decode(piece, { stream: true }));
}

async function sdkStream(pieces: Uint8Array[]): Promise<number> {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  const stream = Stream.fromSSEResponse(new Response(body), new AbortController());
  let count = 0;
  for await (const _chunk of stream) count++;
  return count;
}

export async function benchResponseModels(smoke: boolean): Promise<void> {
  const lenient = openAISchemas('lenient');
  const strict = openAISchemas('strict');
  const rounds = smoke ? 2 : 9;

  const largeText = readFileSync(`${CORPUS}logprobs-01-dotnet-top3.json`, 'utf8');
  const parses = smoke ? 3 : 30;
  const body = { rounds, operationsPerRun: parses };
  const times = (run: () => unknown) => () => {
    for (let index = 0; index < parses; index++) run();
  };
  printTable(
    `large chat completion (${(largeText.length / 1024).toFixed(0)} KiB with top-3 logprobs)`,
    'µs/parse',
    [
      await measure(
        'JSON.parse alone',
        body,
        times(() => JSON.parse(largeText)),
      ),
      await measure(
        'JSON.parse + lenient schema',
        body,
        times(() => lenient.CreateChatCompletionResponse.parse(JSON.parse(largeText))),
      ),
      await measure(
        'JSON.parse + strict schema',
        body,
        times(() => strict.CreateChatCompletionResponse.parse(JSON.parse(largeText))),
      ),
    ],
  );

  const chunks = smoke ? 500 : 10_000;
  const pieces = syntheticStream(chunks);
  const stream = { rounds, operationsPerRun: chunks };
  printTable(`stream of ${chunks} chunks (${PIECE_BYTES}-byte reads)`, 'µs/chunk', [
    await measure('eventsource-parser + JSON.parse (floor)', stream, () =>
      parseSse(pieces, () => {}),
    ),
    await measure('openai SDK Stream (no validation)', stream, () => sdkStream(pieces)),
    await measure('floor + lenient chunk schema', stream, () =>
      parseSse(pieces, (value) => lenient.CreateChatCompletionStreamResponse.parse(value)),
    ),
    await measure('floor + strict chunk schema', stream, () =>
      parseSse(pieces, (value) => strict.CreateChatCompletionStreamResponse.parse(value)),
    ),
  ]);
}
