/** STUB, replaced by the terminal chat. */
export async function chatCommand(_args: string[]): Promise<number> {
  process.stderr.write('ply chat: not built yet\n');
  return 1;
}
