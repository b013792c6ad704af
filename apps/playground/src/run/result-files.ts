import { type FileHandle, open, unlink } from 'node:fs/promises';
import { InvalidRequestError } from '@ply/core';
import { formatCsvRecord } from './csv-writer.js';
import type { ExperimentResult } from './experiment-result.js';
import { csvColumns } from './result-columns.js';
import { csvCell, resultRecord } from './result-record.js';
import type { ResultSink } from './run-experiments.js';

/** A results file open for the run: each `write` reaches the OS before it resolves. */
export interface ResultFile extends ResultSink {
  readonly path: string;
  close(): Promise<void>;
}

export interface ResultFilesOptions {
  csvPath: string;
  jsonlPath: string;
  /** The experiments file's columns other than provider and model, echoed per row. */
  inputColumns: readonly string[];
  /** Replace existing files; otherwise an existing file is an error (results cost money). */
  overwrite?: boolean;
}

/**
 * Opens the CSV (header written at once, so even an early crash leaves a valid file) and
 * the JSONL results files. Neither is left behind when the other cannot be opened.
 */
export async function openResultFiles(options: ResultFilesOptions): Promise<ResultFile[]> {
  const columns = csvColumns(options.inputColumns);
  const flags = options.overwrite ? 'w' : 'wx';
  const csv = await openFile(options.csvPath, flags);
  let jsonl: FileHandle;
  try {
    jsonl = await openFile(options.jsonlPath, flags);
  } catch (error) {
    await csv.close();
    await unlink(options.csvPath).catch(() => {});
    throw error;
  }
  const csvFile = serialWriter(options.csvPath, csv, (result) => {
    const record = resultRecord(result, options.inputColumns);
    return formatCsvRecord(columns.map((column) => csvCell(record[column])));
  });
  await csvFile.append(formatCsvRecord(columns));
  const jsonlFile = serialWriter(
    options.jsonlPath,
    jsonl,
    (result) => `${JSON.stringify(resultRecord(result, options.inputColumns))}\n`,
  );
  return [csvFile, jsonlFile];
}

async function openFile(path: string, flags: 'w' | 'wx'): Promise<FileHandle> {
  try {
    return await open(path, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'EEXIST'
        ? 'exists already (pass --force to replace it)'
        : `cannot be written (${code})`;
    throw new InvalidRequestError(`${path} ${problem}`, { field: path, cause: error });
  }
}

/**
 * Rows finish concurrently; writes to one handle must not interleave or reorder, so they
 * go one after another through a promise chain.
 */
function serialWriter(
  path: string,
  handle: FileHandle,
  format: (result: ExperimentResult) => string,
): ResultFile & { append(text: string): Promise<void> } {
  let tail: Promise<unknown> = Promise.resolve();
  const append = (text: string): Promise<void> => {
    const written = tail.then(() => handle.write(text)).then(() => undefined);
    // A failed write fails its caller; the chain goes on for whoever writes next.
    tail = written.catch(() => {});
    return written;
  };
  return {
    path,
    append,
    write: (result) => append(format(result)),
    close: async () => {
      await tail;
      await handle.close();
    },
  };
}
