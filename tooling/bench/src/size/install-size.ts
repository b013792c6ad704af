// Install size: the bytes a user's node_modules gains. For a workspace package, what
// `npm pack` would ship (its `files`, package.json, README, LICENSE); for a registry package,
// its whole installed folder. Dependencies are walked transitively with Node's resolution
// from the folder of the package that asks for them, so pnpm's layout resolves as an
// install would, and each folder is counted once. Peers are not installed by the package
// itself: required ones are counted apart, optional ones are only named.
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Manifest, readManifest } from './packages.ts';

const WORKSPACE_ROOT = realpathSync(join(import.meta.dirname, '../../../..'));

export interface InstallSize {
  /** The named packages' own folders. */
  ownBytes: number;
  /** Their runtime dependencies, transitively. */
  depsBytes: number;
  /** Folders counted in own and deps. */
  packages: number;
  /** The dependencies' folders, largest first. */
  deps: { name: string; bytes: number }[];
  /** Required peers (zod) and their dependencies, not in the figures above. */
  peersBytes: number;
  optionalPeers: string[];
}

/** Node's lookup of a package folder: node_modules/<name> in each ancestor of `from`. */
function resolveDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** File bytes under `path`; nested node_modules are other packages, counted on their own. */
function treeBytes(path: string): number {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined || stat.isSymbolicLink()) return 0;
  if (stat.isFile()) return stat.size;
  if (!stat.isDirectory()) return 0;
  return readdirSync(path)
    .filter((entry) => entry !== 'node_modules')
    .reduce((sum, entry) => sum + treeBytes(join(path, entry)), 0);
}

/** What npm would pack: `files` plus the files npm always includes. */
function publishedBytes(dir: string, manifest: Manifest): number {
  const always = readdirSync(dir).filter((entry) =>
    /^(package\.json|readme|license|licence)(\..*)?$/i.test(entry),
  );
  const listed = manifest.files ?? readdirSync(dir);
  return [...new Set([...always, ...listed])].reduce(
    (sum, entry) => sum + treeBytes(join(dir, entry)),
    0,
  );
}

function folderBytes(dir: string, manifest: Manifest): number {
  const isWorkspace = dir.startsWith(WORKSPACE_ROOT) && !dir.includes('/node_modules/');
  return isWorkspace ? publishedBytes(dir, manifest) : treeBytes(dir);
}

interface Wanted {
  name: string;
  from: string;
  optional: boolean;
}

function wantedBy(dir: string, manifest: Manifest): Wanted[] {
  return [
    ...Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(manifest.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
  ].map((wanted) => ({ ...wanted, from: dir }));
}

/**
 * Walks `start` and every dependency below it, skipping folders in `counted` (and adding
 * the ones it visits). Returns the bytes per visited folder and the peers they declare.
 */
function walk(start: readonly Wanted[], counted: Set<string>) {
  const queue = [...start];
  const visited: { name: string; dir: string; bytes: number }[] = [];
  const peers: Wanted[] = [];
  for (let wanted = queue.shift(); wanted !== undefined; wanted = queue.shift()) {
    const dir = resolveDir(wanted.name, wanted.from);
    if (dir === undefined) {
      // Optional dependencies for other platforms are not installed.
      if (wanted.optional) continue;
      throw new Error(`install size: cannot resolve ${wanted.name} from ${wanted.from}`);
    }
    if (counted.has(dir)) continue;
    counted.add(dir);
    const manifest = readManifest(dir);
    visited.push({ name: manifest.name, dir, bytes: folderBytes(dir, manifest) });
    queue.push(...wantedBy(dir, manifest));
    for (const name of Object.keys(manifest.peerDependencies ?? {})) {
      const optional = manifest.peerDependenciesMeta?.[name]?.optional === true;
      peers.push({ name, from: dir, optional });
    }
  }
  return { visited, peers };
}

const sum = (items: readonly { bytes: number }[]) =>
  items.reduce((total, { bytes }) => total + bytes, 0);

/** What installing `names` (resolved from `from`, as an app's package.json lists them) adds. */
export function installSize(names: readonly string[], from: string): InstallSize {
  const counted = new Set<string>();
  // The roots first, so a root that another root depends on counts as own, not a dependency.
  const roots = walk(
    names.map((name) => ({ name, from, optional: false })),
    counted,
  );
  const rootDirs = new Set(
    names.map((name) => resolveDir(name, from)).filter((dir) => dir !== undefined),
  );
  const own = roots.visited.filter(({ dir }) => rootDirs.has(dir));
  const deps = roots.visited.filter(({ dir }) => !rootDirs.has(dir));
  const peers = walk(
    roots.peers.filter((peer) => !peer.optional),
    counted,
  );
  const optionalPeers = roots.peers
    .filter((peer) => peer.optional && !counted.has(resolveDir(peer.name, peer.from) ?? ''))
    .map(({ name }) => name);
  return {
    ownBytes: sum(own),
    depsBytes: sum(deps),
    packages: roots.visited.length,
    deps: deps.map(({ name, bytes }) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    peersBytes: sum(peers.visited),
    optionalPeers: [...new Set(optionalPeers)].sort(),
  };
}
