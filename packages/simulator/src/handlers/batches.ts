import { ApiError, invalidParam } from '../api-error.js';
import type { Handler } from '../handler.js';
import { BATCH_ENDPOINTS, type BatchEndpoint, parseBatchInput } from './batch-input.js';
import { batchObject, currentStatus } from './batch-object.js';
import { batchStore, findBatch, type StoredBatch } from './batch-store.js';
import { findFile } from './file-store.js';
import { requireObject } from './require-object.js';

const COMPLETION_WINDOWS = ['24h'];

const missing = (param: string) =>
  invalidParam(param, `Missing required parameter: '${param}'.`, 'missing_required_parameter');

const unsupported = (param: string, value: unknown, supported: readonly string[]) =>
  invalidParam(
    param,
    `Invalid value: ${JSON.stringify(value)}. Supported values are: ${supported.map((item) => `'${item}'`).join(' and ')}.`,
    'invalid_value',
  );

/** The API's metadata limits: up to 16 string pairs, keys to 64 characters, values to 512. */
function checkMetadata(metadata: unknown): Record<string, string> | null {
  if (metadata === undefined || metadata === null) return null;
  const entries =
    typeof metadata === 'object' && !Array.isArray(metadata) ? Object.entries(metadata) : [];
  const fits = entries.every(
    ([key, value]) => key.length <= 64 && typeof value === 'string' && value.length <= 512,
  );
  if (typeof metadata !== 'object' || Array.isArray(metadata) || entries.length > 16 || !fits) {
    throw invalidParam(
      'metadata',
      "Invalid 'metadata': expected an object of at most 16 string values, keys up to 64 characters and values up to 512.",
      'invalid_value',
    );
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/**
 * `POST /v1/batches`. Each line is answered by the endpoint its own `url` names, so a file
 * may mix chat and embeddings requests (the API would hold every line to `endpoint`).
 */
export const createBatch: Handler = async ({ body, apiKey, simulation }) => {
  const request = requireObject(body);
  const { input_file_id: inputFileId, endpoint, completion_window: window } = request;
  if (typeof inputFileId !== 'string' || inputFileId === '') throw missing('input_file_id');
  if (endpoint === undefined) throw missing('endpoint');
  if (!BATCH_ENDPOINTS.includes(endpoint as BatchEndpoint))
    throw unsupported('endpoint', endpoint, BATCH_ENDPOINTS);
  if (window === undefined) throw missing('completion_window');
  if (!COMPLETION_WINDOWS.includes(window as string))
    throw unsupported('completion_window', window, COMPLETION_WINDOWS);
  const metadata = checkMetadata(request.metadata);
  const file = findFile(simulation, inputFileId, 'input_file_id');
  if (file.purpose !== 'batch') {
    throw invalidParam(
      'input_file_id',
      `File ${file.id} has purpose '${file.purpose}': a batch needs a file uploaded with purpose 'batch'.`,
      'invalid_value',
    );
  }
  const batch: StoredBatch = {
    id: simulation.id('batch_'),
    endpoint: endpoint as BatchEndpoint,
    inputFileId,
    completionWindow: window as string,
    metadata,
    createdMs: simulation.clock.now(),
    apiKey,
    requests: parseBatchInput(file.content),
  };
  batchStore(simulation).set(batch.id, batch);
  return { kind: 'json', body: await batchObject(simulation, batch, 'validating') };
};

/** `GET /v1/batches/{id}`: the status as of the simulator clock. */
export const retrieveBatch: Handler = async ({ params, simulation }) => ({
  kind: 'json',
  body: await batchObject(simulation, findBatch(simulation, params.id ?? '')),
});

/** `POST /v1/batches/{id}/cancel`: answers `cancelling`; every later read sees `cancelled`. */
export const cancelBatch: Handler = async ({ params, simulation }) => {
  const batch = findBatch(simulation, params.id ?? '');
  const status = currentStatus(simulation, batch);
  if (status === 'completed' || status === 'cancelled') {
    throw new ApiError(400, { message: `Cannot cancel a batch with status '${status}'.` });
  }
  batch.cancelledMs = simulation.clock.now();
  return { kind: 'json', body: await batchObject(simulation, batch, 'cancelling') };
};
