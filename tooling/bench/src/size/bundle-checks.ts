// How a ply package's bundle is measured: size-limit's esbuild plugin with its defaults
// (bundled, minified, tree-shaken, brotli), for Node, since ply runs on a server. The scope
// says which imports stay outside the bundle. The budgets in .size-limit.ts and the figures
// in the results table both come from here, so they cannot measure different things.
import { PLY_PACKAGES, type PlyPackage, runtimeNames, THIRD_PARTY } from './packages.ts';

/**
 * `alone`: the package's own code (every dependency external, @ply ones too).
 * `ply`: the ply code an application gets (third-party packages external, @ply ones
 * bundled in); the budgeted figure.
 * `deps`: everything the entry pulls in, peers (zod) included, except NOT_BUNDLED.
 */
export type BundleScope = 'alone' | 'ply' | 'deps';

/**
 * tiktoken's JS bundles, but it reads its 5.6 MB WASM file from its own folder at run time,
 * so a bundle with it in would not run and its figure would leave the WASM out.
 */
export const NOT_BUNDLED = ['tiktoken'] as const;

export interface BundleCheck {
  name: string;
  /** The entry, relative to the bench folder (where size-limit reads its config). */
  path: string;
  ignore: string[];
  limit?: string;
  /** Printed under a check that fails its budget. */
  message?: string;
  modifyEsbuildConfig: (config: object) => object;
}

function externals(pkg: PlyPackage, scope: BundleScope): string[] {
  if (scope === 'alone') return runtimeNames(pkg.manifest);
  if (scope === 'ply') return [...THIRD_PARTY];
  return [...NOT_BUNDLED];
}

/** size-limit's esbuild defaults target the browser; ply imports node: built-ins. */
function forNode(config: object): object {
  return { ...config, platform: 'node', format: 'esm' };
}

export function bundleCheck(pkg: PlyPackage, scope: BundleScope, limit?: string): BundleCheck {
  return {
    name: pkg.manifest.name,
    path: `../../packages/${pkg.folder}/dist/index.js`,
    ignore: externals(pkg, scope),
    ...(limit === undefined ? {} : { limit }),
    modifyEsbuildConfig: forNode,
  };
}

/** The budgeted checks, in package order: every package must have a budget, and only them. */
export function budgetChecks(limits: Readonly<Record<string, string>>): BundleCheck[] {
  const names = PLY_PACKAGES.map((pkg) => pkg.manifest.name);
  const unknown = Object.keys(limits).filter((name) => !names.includes(name));
  const missing = names.filter((name) => limits[name] === undefined);
  if (unknown.length > 0 || missing.length > 0) {
    throw new Error(
      `.size-limit.ts: budgets for unknown packages [${unknown.join(', ')}], ` +
        `missing for [${missing.join(', ')}]`,
    );
  }
  return PLY_PACKAGES.map((pkg) => ({
    ...bundleCheck(pkg, 'ply', limits[pkg.manifest.name]),
    name: `${pkg.manifest.name} (ply code, third-party packages external)`,
    message:
      `${pkg.manifest.name} grew past its bundle budget: make it smaller, or raise its limit ` +
      'in tooling/bench/.size-limit.ts in the commit that explains the growth.',
  }));
}
