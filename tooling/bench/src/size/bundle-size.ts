// Bundle sizes through size-limit's own API with the esbuild and file plugins, so the
// figures are the ones `size-limit` checks against the budgets, computed the same way.
import esbuildPlugin from '@size-limit/esbuild';
import filePlugin from '@size-limit/file';
import sizeLimit from 'size-limit';
import { type BundleScope, bundleCheck } from './bundle-checks.ts';
import { BENCH_DIR, PLY_PACKAGES } from './packages.ts';

export type BundleBytes = Record<BundleScope, number>;

async function measureScope(scope: BundleScope): Promise<number[]> {
  const checks = PLY_PACKAGES.map((pkg) => {
    const { path, ...check } = bundleCheck(pkg, scope);
    return { ...check, files: [`${BENCH_DIR}${path}`] };
  });
  // size-limit declares its plugins as functions; they are lists of step objects.
  const plugins = [filePlugin, esbuildPlugin] as unknown as Parameters<typeof sizeLimit>[0];
  const results = (await sizeLimit(plugins, { checks })) as { size: number }[];
  return results.map(({ size }) => size);
}

/** Brotli'd bytes of each package's bundle in every scope, by package name. */
export async function bundleSizes(): Promise<Map<string, BundleBytes>> {
  const [alone, ply, deps] = await Promise.all([
    measureScope('alone'),
    measureScope('ply'),
    measureScope('deps'),
  ]);
  return new Map(
    PLY_PACKAGES.map((pkg, index) => [
      pkg.manifest.name,
      { alone: alone[index] ?? 0, ply: ply[index] ?? 0, deps: deps[index] ?? 0 },
    ]),
  );
}
