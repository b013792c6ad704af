// `node src/overhead/summarise-profile.ts <file.cpuprofile> [rows]`: self time by function
// (and by package), from a V8 CPU profile, as a Markdown table.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: summarise-profile.ts <file.cpuprofile> [rows]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);

/** Where a frame's code lives: a ply package, a dependency, or Node itself. */
function owner(url: string): string {
  const ply = /packages\/([^/]+)\/dist\//.exec(url);
  if (ply) return `@ply/${ply[1]}`;
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(
    url,
  );
  if (dependency) return dependency[1] as string;
  if (url.startsWith('node:') || url === '') return '(node, GC, idle)';
  return '(bench)';
}

const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const who = owner(url);
  const name = `${functionName || '(anonymous)'} ${who} ${url.split('/').at(-1) ?? ''}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  byOwner.set(who, (byOwner.get(who) ?? 0) + us);
}
const share = (us: number) => `${((us / total) * 100).toFixed(1)}%`;
console.log('| where | self time |\n| --- | ---: |');
for (const [who, us] of [...byOwner].sort((a, b) => b[1] - a[1]))
  console.log(`| ${who} | ${share(us)} |`);
console.log('\n| function | self time |\n| --- | ---: |');
const rows = Number(rowsArg ?? 30);
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
  console.log(`| ${name} | ${share(us)} |`);
}
