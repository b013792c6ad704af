import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Cassette, parseCassette } from './cassette.js';

/** Writes a cassette as indented JSON (readable in review), creating missing folders. */
export async function saveCassette(path: string, cassette: Cassette): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(cassette, null, 2)}\n`, 'utf8');
}

export async function loadCassette(path: string): Promise<Cassette> {
  return parseCassette(JSON.parse(await readFile(path, 'utf8')));
}
