/** STUB, replaced by the experiment runner. */
export async function runCommand(_args: string[]): Promise<number> {
  process.stderr.write('ply run: not built yet\n');
  return 1;
}
