// The published ply packages, read from their manifests, so a new dependency or a renamed
// entry is picked up by the size checks without editing them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGES_DIR = fileURLToPath(new URL('../../../../packages/', import.meta.url));

/** The package folders under packages/, in dependency order (core first). */
export const PLY_FOLDERS = [
  'core',
  'models',
  'response-models',
  'provider-openai',
  'resilience',
  'cost',
  'simulator',
  'client',
  'cache',
  'telemetry',
] as const;

export interface Manifest {
  name: string;
  version?: string;
  files?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface PlyPackage {
  folder: (typeof PLY_FOLDERS)[number];
  dir: string;
  manifest: Manifest;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as Manifest;
}

export const PLY_PACKAGES: readonly PlyPackage[] = PLY_FOLDERS.map((folder) => {
  const dir = `${PACKAGES_DIR}${folder}`;
  return { folder, dir, manifest: readManifest(dir) };
});

/** Every package a manifest names at run time: dependencies and peers alike. */
export function runtimeNames(manifest: Manifest): string[] {
  return [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ];
}

/** The third-party packages any ply package depends on (directly or as a peer). */
export const THIRD_PARTY: readonly string[] = [
  ...new Set(
    PLY_PACKAGES.flatMap(({ manifest }) => runtimeNames(manifest)).filter(
      (name) => !name.startsWith('@ply/'),
    ),
  ),
].sort();
