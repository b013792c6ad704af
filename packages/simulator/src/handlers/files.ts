import { ApiError, invalidParam } from '../api-error.js';
import type { Handler } from '../handler.js';
import { parseBatchInput } from './batch-input.js';
import { addFile, type FilePurpose, fileObject, findFile } from './file-store.js';

/** What a client may upload; `batch_output` is written by batches only. */
const UPLOAD_PURPOSES: readonly FilePurpose[] = [
  'assistants',
  'batch',
  'fine-tune',
  'vision',
  'user_data',
];

const missing = (param: string) =>
  invalidParam(param, `Missing required parameter: '${param}'.`, 'missing_required_parameter');

/** `POST /v1/files`: multipart `file` and `purpose`; batch files are checked line by line. */
export const createFile: Handler = async ({ body, simulation }) => {
  if (!(body instanceof FormData)) {
    throw new ApiError(400, {
      message: 'This endpoint expects a multipart/form-data body with `file` and `purpose`.',
    });
  }
  const file = body.get('file');
  const purpose = body.get('purpose');
  if (!(file instanceof Blob)) throw missing('file');
  if (typeof purpose !== 'string' || purpose === '') throw missing('purpose');
  if (!UPLOAD_PURPOSES.includes(purpose as FilePurpose)) {
    throw invalidParam(
      'purpose',
      `Invalid value: '${purpose}'. Supported values are: ${UPLOAD_PURPOSES.map((value) => `'${value}'`).join(', ')}.`,
      'invalid_value',
    );
  }
  const content = new Uint8Array(await file.arrayBuffer());
  // Checked on upload so a bad line is reported where it was sent, not hours later.
  if (purpose === 'batch') parseBatchInput(content);
  const filename = file instanceof File && file.name !== '' ? file.name : 'upload';
  const stored = addFile(simulation, { filename, purpose: purpose as FilePurpose, content });
  return { kind: 'json', body: fileObject(stored) };
};

/** `GET /v1/files/{id}`. */
export const retrieveFile: Handler = async ({ params, simulation }) => ({
  kind: 'json',
  body: fileObject(findFile(simulation, params.id ?? '')),
});

/** `GET /v1/files/{id}/content`: the bytes as uploaded or written, typed as the API does. */
export const fileContent: Handler = async ({ params, simulation }) => ({
  kind: 'bytes',
  body: findFile(simulation, params.id ?? '').content,
  contentType: 'application/octet-stream',
});
