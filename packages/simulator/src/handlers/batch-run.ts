import { ApiError } from '../api-error.js';
import type { ChatRequestBody } from '../behaviours/chat-answer.js';
import { chatCompletionBody, generateChat } from '../chat-generation.js';
import type { Simulation } from '../simulation.js';
import type { BatchRequest } from './batch-input.js';
import type { BatchOutcome, StoredBatch } from './batch-store.js';
import { embeddings } from './embeddings.js';
import { addFile } from './file-store.js';

interface Answer {
  body: unknown;
  usage: { input: number; cached: number; output: number; reasoning: number };
}

/** One request answered by the same logic as its endpoint; throws `ApiError` like it. */
async function answer(simulation: Simulation, request: BatchRequest, key: string): Promise<Answer> {
  if (request.url === '/v1/chat/completions') {
    const chat = generateChat(simulation, request.body as unknown as ChatRequestBody, key);
    return {
      body: chatCompletionBody(chat),
      usage: {
        input: chat.usage.prompt_tokens,
        cached: chat.usage.prompt_tokens_details.cached_tokens,
        output: chat.usage.completion_tokens,
        reasoning: chat.usage.completion_tokens_details.reasoning_tokens,
      },
    };
  }
  const result = await embeddings({
    request: new Request(`http://simulator.invalid${request.url}`, { method: 'POST' }),
    body: request.body,
    params: {},
    apiKey: key,
    simulation,
    signal: new AbortController().signal,
  });
  const input = result.kind === 'json' ? (result.log?.usage?.prompt_tokens ?? 0) : 0;
  return {
    body: result.kind === 'json' ? result.body : null,
    usage: { input, cached: 0, output: 0, reasoning: 0 },
  };
}

const encoder = new TextEncoder();
const jsonl = (lines: string[]) => encoder.encode(lines.map((line) => `${line}\n`).join(''));

/**
 * Runs every request of `batch` and writes the output and error files. Batch traffic is
 * limited apart from synchronous traffic in the API, so it is charged to its own bucket.
 */
export async function runBatch(
  simulation: Simulation,
  batch: Pick<StoredBatch, 'id' | 'requests' | 'apiKey'>,
): Promise<BatchOutcome> {
  const key = `batch:${batch.apiKey}`;
  const outputLines: string[] = [];
  const errorLines: string[] = [];
  const totals = { input: 0, cached: 0, output: 0, reasoning: 0 };
  const resultLine = (request: BatchRequest, status: number, body: unknown) =>
    JSON.stringify({
      id: simulation.id('batch_req_'),
      custom_id: request.customId,
      response: { status_code: status, request_id: simulation.id('req_'), body },
      error: null,
    });
  for (const request of batch.requests) {
    try {
      const { body, usage } = await answer(simulation, request, key);
      outputLines.push(resultLine(request, 200, body));
      totals.input += usage.input;
      totals.cached += usage.cached;
      totals.output += usage.output;
      totals.reasoning += usage.reasoning;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      errorLines.push(resultLine(request, error.status, { error: error.body }));
    }
  }
  const write = (lines: string[], suffix: string) =>
    lines.length === 0
      ? undefined
      : addFile(simulation, {
          filename: `${batch.id}_${suffix}.jsonl`,
          purpose: 'batch_output',
          content: jsonl(lines),
        }).id;
  const outputFileId = write(outputLines, 'output');
  const errorFileId = write(errorLines, 'error');
  return {
    ...(outputFileId === undefined ? {} : { outputFileId }),
    ...(errorFileId === undefined ? {} : { errorFileId }),
    completed: outputLines.length,
    failed: errorLines.length,
    usage: {
      input_tokens: totals.input,
      input_tokens_details: { cached_tokens: totals.cached },
      output_tokens: totals.output,
      output_tokens_details: { reasoning_tokens: totals.reasoning },
      total_tokens: totals.input + totals.output,
    },
  };
}
