// Publish checks for the package in the current directory: publint on the manifest and
// files, @arethetypeswrong on the tarball pnpm would publish (workspace ranges rewritten,
// only `files` included), and every README block fenced as ```ts runnable, executed
// against the built package, so what is checked is what users install and read.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });
const packDir = mkdtempSync(join(tmpdir(), 'ply-pack-'));
try {
  run('publint', ['--strict', '--level', 'suggestion']);
  execFileSync('pnpm', ['pack', '--pack-destination', packDir], { stdio: 'ignore' });
  const [tarball] = readdirSync(packDir).filter((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error('pnpm pack produced no tarball');
  run('attw', [join(packDir, tarball), '--profile', 'esm-only', '--format', 'table-flipped']);
} finally {
  rmSync(packDir, { recursive: true, force: true });
}

const readme = readFileSync('README.md', 'utf8');
const examples = [...readme.matchAll(/^```ts runnable\n([\s\S]*?)^```$/gm)].map(
  (match) => match[1],
);
if (examples.length === 0) throw new Error('README.md has no ```ts runnable example');
mkdirSync('.reports', { recursive: true });
for (const [index, code] of examples.entries()) {
  // Inside the package, so the example imports the package by its own name.
  const file = join('.reports', `readme-example-${index + 1}.ts`);
  writeFileSync(file, code);
  console.log(`README example ${index + 1}:`);
  run(process.execPath, [file]);
}
