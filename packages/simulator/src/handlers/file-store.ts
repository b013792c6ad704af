import { ApiError } from '../api-error.js';
import type { Simulation } from '../simulation.js';

/** The purposes a file can have: those a client uploads and those a batch writes. */
export type FilePurpose =
  | 'assistants'
  | 'batch'
  | 'batch_output'
  | 'fine-tune'
  | 'user_data'
  | 'vision';

/** One file the simulator holds, uploaded or written by a batch. */
export interface StoredFile {
  id: string;
  filename: string;
  purpose: FilePurpose;
  /** Unix seconds. */
  createdAt: number;
  content: Uint8Array;
}

const files = (simulation: Simulation) =>
  simulation.store('files', () => new Map<string, StoredFile>());

/** Keeps `content` as a new file and returns it. */
export function addFile(
  simulation: Simulation,
  file: { filename: string; purpose: FilePurpose; content: Uint8Array },
): StoredFile {
  const stored = { id: simulation.id('file-'), createdAt: simulation.nowSeconds(), ...file };
  files(simulation).set(stored.id, stored);
  return stored;
}

/** The file `id`, or the API's 404. */
export function findFile(simulation: Simulation, id: string, param = 'id'): StoredFile {
  const file = files(simulation).get(id);
  if (!file) throw new ApiError(404, { message: `No such File object: ${id}`, param });
  return file;
}

/**
 * The API's file object. The simulator's files never expire, and the spec has `expires_at`
 * optional but not nullable, so it is left out rather than sent as null.
 */
export function fileObject(file: StoredFile): Record<string, unknown> {
  return {
    id: file.id,
    object: 'file',
    bytes: file.content.byteLength,
    created_at: file.createdAt,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
  };
}
