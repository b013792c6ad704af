import { ApiError } from '../api-error.js';

/** The endpoints a batch line may call: those the simulator serves without streaming. */
export const BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings'] as const;
export type BatchEndpoint = (typeof BATCH_ENDPOINTS)[number];

/** One request of a batch input file. */
export interface BatchRequest {
  /** 1-based, as the API counts lines in its errors. */
  line: number;
  customId: string;
  url: BatchEndpoint;
  body: Record<string, unknown>;
}

const invalidInput = (code: string, message: string) =>
  new ApiError(400, { message, param: 'file', code });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseLine(text: string, line: number): BatchRequest {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    throw invalidInput('invalid_json_line', `Line ${line} of the batch file is not valid JSON.`);
  }
  if (!isObject(request))
    throw invalidInput('invalid_json_line', `Line ${line} of the batch file is not a JSON object.`);
  const { custom_id: customId, method, url, body } = request;
  if (typeof customId !== 'string' || customId === '') {
    throw invalidInput(
      'missing_required_parameter',
      `Line ${line} of the batch file has no 'custom_id' string.`,
    );
  }
  if (method !== 'POST') {
    throw invalidInput(
      'invalid_method',
      `Line ${line} of the batch file has method ${JSON.stringify(method)}: only 'POST' is supported.`,
    );
  }
  if (!BATCH_ENDPOINTS.includes(url as BatchEndpoint)) {
    throw invalidInput(
      'invalid_url',
      `Line ${line} of the batch file has url ${JSON.stringify(url)}: supported urls are ${BATCH_ENDPOINTS.map((endpoint) => `'${endpoint}'`).join(' and ')}.`,
    );
  }
  if (!isObject(body)) {
    throw invalidInput('invalid_request', `Line ${line} of the batch file has no 'body' object.`);
  }
  return { line, customId, url: url as BatchEndpoint, body };
}

/**
 * The requests of a batch input file, or the API's 400 naming the first bad line. Blank
 * lines (a trailing newline, most often) are skipped but still counted.
 */
export function parseBatchInput(content: Uint8Array): BatchRequest[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw invalidInput('invalid_encoding', 'The batch file is not valid UTF-8.');
  }
  const requests: BatchRequest[] = [];
  const firstLineOf = new Map<string, number>();
  for (const [index, lineText] of text.split(/\r?\n/).entries()) {
    if (lineText.trim() === '') continue;
    const request = parseLine(lineText, index + 1);
    const earlier = firstLineOf.get(request.customId);
    if (earlier !== undefined) {
      throw invalidInput(
        'duplicate_custom_id',
        `Line ${request.line} of the batch file repeats the custom_id '${request.customId}' of line ${earlier}: each request needs a unique custom_id.`,
      );
    }
    firstLineOf.set(request.customId, request.line);
    requests.push(request);
  }
  if (requests.length === 0) throw invalidInput('empty_file', 'The batch file has no requests.');
  return requests;
}
