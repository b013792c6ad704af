import {
  AbortedError,
  type CallOptions,
  createUsage,
  type EmbedResult,
  InvalidRequestError,
  InvalidResponseError,
  type PlyError,
  type ResponseMetadata,
  ServerError,
  TimeoutError,
  UnsupportedFeatureError,
} from '@ply/core';
import {
  decodeBase64Embedding,
  parseChatCompletion,
  parseEmbeddingResponse,
  ResponseParseError,
} from '@ply/response-models';
import OpenAI from 'openai';
import { openCall } from '../call-context.js';
import { fromChatCompletion } from '../from-chat-completion.js';
import { mapOpenAIError, scrubSecrets } from '../map-error.js';
import type { ProviderContext } from '../provider-context.js';
import { batchCallError, requestOptions } from './batch-call.js';
import { toBatchInfo } from './batch-info.js';
import type { BatchItemResult, BatchKind, BatchResults } from './batch-types.js';
import { checkBatchId } from './wait-for-batch.js';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One line of an output or error file. */
interface ResultLine {
  customId: string;
  response: Json | undefined;
  error: Json | undefined;
}

function parseLines(text: string, fileId: string, provider: string): ResultLine[] {
  const lines: ResultLine[] = [];
  for (const [index, lineText] of text.split(/\r?\n/).entries()) {
    if (lineText.trim() === '') continue;
    const where = `line ${index + 1} of ${fileId}`;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (error) {
      throw new InvalidResponseError(
        `${provider} sent a batch result that is not JSON (${where})`,
        {
          provider,
          cause: error,
        },
      );
    }
    if (!isRecord(value) || typeof value.custom_id !== 'string') {
      throw new InvalidResponseError(
        `${provider} sent a batch result without a custom_id (${where})`,
        { provider },
      );
    }
    lines.push({
      customId: value.custom_id,
      response: isRecord(value.response) ? value.response : undefined,
      error: isRecord(value.error) ? value.error : undefined,
    });
  }
  return lines;
}

function embedResult(body: unknown, meta: ResponseMetadata): EmbedResult {
  const parsed = parseEmbeddingResponse(body);
  const items = [...(parsed.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const embeddings = items.map((item) =>
    // Servers that ignore encoding_format send floats: accept both.
    typeof item.embedding === 'string'
      ? decodeBase64Embedding(item.embedding)
      : Float32Array.from(item.embedding ?? []),
  );
  const model = parsed.model ?? '';
  return {
    embeddings,
    usage: createUsage({
      inputTokens: parsed.usage?.prompt_tokens ?? 0,
      totalTokens: parsed.usage?.total_tokens ?? 0,
    }),
    model,
    meta: model ? { ...meta, model } : meta,
    raw: [parsed],
  };
}

/** A line the server could not run at all: no response, only an error (expired, cancelled). */
function lineError(error: Json, provider: string): PlyError {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const detail = typeof error.message === 'string' ? error.message : 'no message';
  const message = `${provider} batch request ${code ?? 'failed'}: ${detail}`;
  if (code === 'batch_expired')
    return new TimeoutError(message, { provider, phase: 'deadline', retryable: true });
  if (code === 'batch_cancelled') return new AbortedError(message, { provider });
  return new ServerError(message, { provider });
}

/** The outcome of one line: its body mapped as a direct call's would be, or its error. */
function lineResult(line: ResultLine, kind: BatchKind, provider: string): BatchItemResult {
  const { response } = line;
  const status = typeof response?.status_code === 'number' ? response.status_code : undefined;
  const requestId = typeof response?.request_id === 'string' ? response.request_id : undefined;
  if (response && status !== undefined && status >= 200 && status < 300) {
    const meta: ResponseMetadata = requestId === undefined ? {} : { requestId };
    try {
      return kind === 'chat'
        ? {
            ok: true,
            kind,
            result: fromChatCompletion(parseChatCompletion(response.body), {
              provider,
              meta,
              warnings: [],
            }),
          }
        : { ok: true, kind, result: embedResult(response.body, meta) };
    } catch (error) {
      if (!(error instanceof ResponseParseError || error instanceof RangeError)) throw error;
      return {
        ok: false,
        error: new InvalidResponseError(
          `${provider} sent a batch result for ${JSON.stringify(line.customId)} that does not parse: ${error.message}`,
          { provider, ...(requestId === undefined ? {} : { requestId }), cause: error },
        ),
      };
    }
  }
  if (response && status !== undefined) {
    // The same error a direct call answered with this status and body would raise.
    const headers = new Headers(requestId === undefined ? {} : { 'x-request-id': requestId });
    const body = isRecord(response.body) ? response.body : undefined;
    const apiError = OpenAI.APIError.generate(status, body, undefined, headers);
    return { ok: false, error: mapOpenAIError(apiError, { provider }) };
  }
  if (line.error) return { ok: false, error: lineError(line.error, provider) };
  return {
    ok: false,
    error: new InvalidResponseError(
      `${provider} sent a batch result for ${JSON.stringify(line.customId)} with neither a response nor an error`,
      { provider },
    ),
  };
}

/**
 * The outcome of every request of an ended batch, by custom id (the files are in no
 * particular order). Successes are mapped as `complete` or `embed` map theirs; failures
 * become the ply error a direct call would have thrown, so a 404 model is a `NotFoundError`.
 * Mapping warnings were returned by `submitBatch`; results carry none.
 */
export async function batchResults(
  context: ProviderContext,
  batchId: string,
  options: CallOptions = {},
): Promise<BatchResults> {
  checkBatchId(batchId);
  context.assertReady();
  const provider = context.id;
  const call = openCall(options, context.timeoutMs, provider);
  const texts: { fileId: string; text: string }[] = [];
  let kind: BatchKind;
  let what = 'a batch object';
  try {
    const info = toBatchInfo(await context.client.batches.retrieve(batchId, requestOptions(call)));
    if (!info.done) {
      throw new InvalidRequestError(
        `Batch ${batchId} is ${info.status}: its results can be read once it ends (see waitForBatch)`,
        { provider, field: 'batchId' },
      );
    }
    const fileIds = [info.outputFileId, info.errorFileId].filter((id) => id !== undefined);
    if (info.status === 'failed' && fileIds.length === 0) {
      const problems = info.errors
        .map((problem) => `${problem.line ? `line ${problem.line}: ` : ''}${problem.message}`)
        .join('; ');
      throw new InvalidRequestError(`Batch ${batchId} failed${problems ? `: ${problems}` : ''}`, {
        provider,
        field: 'batchId',
      });
    }
    if (info.kind === undefined) {
      throw new UnsupportedFeatureError(
        `Batch ${batchId} runs ${info.endpoint}: ply reads chat and embeddings batches only`,
        { provider, feature: 'batch' },
      );
    }
    kind = info.kind;
    what = 'a batch result file';
    for (const fileId of fileIds) {
      const response = await context.client.files.content(fileId, requestOptions(call));
      texts.push({ fileId, text: await response.text() });
    }
  } catch (error) {
    throw batchCallError(context, call, error, what);
  } finally {
    call.release();
  }
  const results: BatchResults = new Map();
  for (const { fileId, text } of texts) {
    for (const line of parseLines(text, fileId, provider)) {
      const result = lineResult(line, kind, provider);
      // Returned, not thrown: the provider's boundary never sees these errors to mask them.
      if (!result.ok) result.error = scrubSecrets(result.error, context.secrets);
      results.set(line.customId, result);
    }
  }
  return results;
}
