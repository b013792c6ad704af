import {
  type CallWarning,
  type ChatRequest,
  type EmbedRequest,
  InvalidRequestError,
  UnsupportedFeatureError,
  validateChatRequest,
  validateEmbedRequest,
} from '@ply/core';
import { parseFileObject } from '@ply/response-models';
import { toFile } from 'openai';
import { openCall } from '../call-context.js';
import type { ProviderContext } from '../provider-context.js';
import { toOpenAIRequest } from '../to-openai-request.js';
import { batchCallError, requestOptions } from './batch-call.js';
import { BATCH_ENDPOINTS, toBatchInfo } from './batch-info.js';
import type { BatchKind, BatchRequest, SubmitBatchOptions, SubmittedBatch } from './batch-types.js';

/** One request of the input file, ready to send. */
interface BatchLine {
  customId: string;
  kind: BatchKind;
  body: Record<string, unknown>;
  warnings: CallWarning[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(field: string, message: string): InvalidRequestError {
  return new InvalidRequestError(`${field}: ${message}`, { field });
}

/**
 * A validation or mapping error of one request, restated for the batch: the message starts
 * with the request's index and custom id, the field is its path in the `requests` array.
 */
function withinBatch(error: unknown, index: number, customId: string, kind: BatchKind): unknown {
  const where = `requests[${index}] (custom id ${JSON.stringify(customId)})`;
  if (InvalidRequestError.isInstance(error)) {
    const inner = error.field && error.field !== 'request' ? `.${error.field}` : '';
    return new InvalidRequestError(`${where}: ${error.message}`, {
      field: `requests[${index}].${kind}${inner}`,
      ...(error.provider ? { provider: error.provider } : {}),
      cause: error,
    });
  }
  if (UnsupportedFeatureError.isInstance(error)) {
    return new UnsupportedFeatureError(`${where}: ${error.message}`, {
      feature: error.feature,
      ...(error.provider ? { provider: error.provider } : {}),
      cause: error,
    });
  }
  return error;
}

/** The chat request as the body of a `/v1/chat/completions` line: the mapping of `complete`. */
function chatLine(context: ProviderContext, request: ChatRequest) {
  validateChatRequest(request);
  const model = request.model ?? context.defaultModel;
  const { params, warnings } = toOpenAIRequest(request, {
    model,
    stream: false,
    provider: context.id,
    compatibility: context.compatibility,
    catalogue: context.catalogue,
  });
  return { body: { ...params, stream: false } as Record<string, unknown>, warnings };
}

/** The embeddings request as the body of a `/v1/embeddings` line: the mapping of `embed`. */
function embedLine(context: ProviderContext, request: EmbedRequest) {
  validateEmbedRequest(request);
  const provider = context.id;
  if (context.compatibility.unsupported.includes('embeddings')) {
    throw new UnsupportedFeatureError(`The ${provider} server does not support embeddings`, {
      feature: 'embeddings',
      provider,
    });
  }
  const inputs = typeof request.input === 'string' ? 1 : request.input.length;
  if (inputs > context.maxEmbeddingInputs) {
    // A line is one request: it cannot be split the way `embed` splits.
    throw new InvalidRequestError(
      `input: a batch request takes at most ${context.maxEmbeddingInputs} texts, got ${inputs}; split it into several requests`,
      { field: 'input' },
    );
  }
  const body: Record<string, unknown> = {
    model: request.model ?? context.defaultEmbeddingModel,
    input: request.input,
    encoding_format: 'base64',
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    ...(request.user === undefined ? {} : { user: request.user }),
    ...request.providerOptions?.openai,
  };
  return { body, warnings: [] };
}

/**
 * Checks every request and maps it to a line of the input file. Nothing is sent: bad input,
 * a repeated custom id or a mix of chat and embeddings fails here.
 */
export function prepareBatch(
  context: ProviderContext,
  requests: readonly BatchRequest[],
): BatchLine[] {
  if (!Array.isArray(requests))
    throw invalid('requests', 'must be an array of { customId, chat } or { customId, embed }');
  if (requests.length === 0) throw invalid('requests', 'must hold at least one request');
  const seen = new Map<string, number>();
  const lines: BatchLine[] = [];
  let first: { kind: BatchKind; index: number } | undefined;
  for (const [index, item] of requests.entries()) {
    const request: unknown = item;
    const at = `requests[${index}]`;
    if (!isRecord(request)) throw invalid(at, 'must be { customId, chat } or { customId, embed }');
    const { customId } = request;
    if (typeof customId !== 'string' || customId === '')
      throw invalid(`${at}.customId`, 'must be a non-empty string');
    const earlier = seen.get(customId);
    if (earlier !== undefined) {
      throw invalid(
        `${at}.customId`,
        `repeats the custom id ${JSON.stringify(customId)} of requests[${earlier}]; each request needs its own`,
      );
    }
    seen.set(customId, index);
    const hasChat = request.chat !== undefined;
    const hasEmbed = request.embed !== undefined;
    if (hasChat === hasEmbed)
      throw invalid(at, 'must have exactly one of chat and embed, beside customId');
    const kind: BatchKind = hasChat ? 'chat' : 'embed';
    if (first === undefined) first = { kind, index };
    else if (first.kind !== kind) {
      throw invalid(
        at,
        `is ${kind === 'chat' ? 'a chat' : 'an embeddings'} request, but requests[${first.index}] is ${first.kind === 'chat' ? 'a chat' : 'an embeddings'} one: a batch holds one kind, so submit them as two batches`,
      );
    }
    try {
      const mapped =
        kind === 'chat'
          ? chatLine(context, request.chat as ChatRequest)
          : embedLine(context, request.embed as EmbedRequest);
      lines.push({ customId, kind, ...mapped });
    } catch (error) {
      throw withinBatch(error, index, customId, kind);
    }
  }
  return lines;
}

/** The input file: one `{ custom_id, method, url, body }` object a line. */
export function toJsonl(lines: readonly BatchLine[]): string {
  return lines
    .map((line) =>
      JSON.stringify({
        custom_id: line.customId,
        method: 'POST',
        url: BATCH_ENDPOINTS[line.kind],
        body: line.body,
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * Submits requests to the Batch API, run within 24 hours at half the price: every request
 * is checked and mapped as `complete` or `embed` would map it, the lines are uploaded as
 * one file, and a batch is created on it.
 */
export async function submitBatch(
  context: ProviderContext,
  requests: readonly BatchRequest[],
  options: SubmitBatchOptions = {},
): Promise<SubmittedBatch> {
  const provider = context.id;
  if (context.compatibility.unsupported.includes('batch')) {
    throw new UnsupportedFeatureError(`The ${provider} server does not support the Batch API`, {
      feature: 'batch',
      provider,
    });
  }
  const lines = prepareBatch(context, requests);
  context.assertReady();
  const kind = lines[0]?.kind ?? 'chat';
  const call = openCall(options, context.timeoutMs, provider);
  let what = 'a file object';
  try {
    const uploaded = await context.client.files.create(
      {
        file: await toFile(Buffer.from(toJsonl(lines)), 'ply-batch.jsonl'),
        purpose: 'batch',
      },
      requestOptions(call),
    );
    const file = parseFileObject(uploaded);
    what = 'a batch object';
    const created = await context.client.batches.create(
      {
        input_file_id: file.id,
        endpoint: BATCH_ENDPOINTS[kind],
        completion_window: '24h',
        ...(options.metadata ? { metadata: options.metadata } : {}),
      },
      requestOptions(call),
    );
    const warnings = new Map<string, CallWarning[]>();
    for (const line of lines)
      if (line.warnings.length > 0) warnings.set(line.customId, line.warnings);
    return { ...toBatchInfo(created), warnings };
  } catch (error) {
    throw batchCallError(context, call, error, what);
  } finally {
    call.release();
  }
}
