// sim-lorem writes the words asked for, but a word is one token or several: the prompt for
// a stream of N text chunks is found by asking, a few times, scaling the word count.

/** The `write N words` prompt whose answer comes closest to `chunks` text chunks. */
export async function promptForChunks(
  chunks: number,
  countChunks: (prompt: string) => Promise<number>,
): Promise<{ prompt: string; chunks: number }> {
  let words = Math.max(1, Math.round(chunks * 0.84));
  let best: { prompt: string; chunks: number } | undefined;
  for (let attempt = 0; attempt < 8; attempt++) {
    const prompt = `write ${words} words`;
    const got = await countChunks(prompt);
    if (!best || Math.abs(got - chunks) < Math.abs(best.chunks - chunks))
      best = { prompt, chunks: got };
    if (got === chunks) break;
    const next = Math.max(1, Math.round((words * chunks) / got));
    // The text changes with the prompt, so the same ratio can repeat: step by one then.
    words = next === words ? words + Math.sign(chunks - got) : next;
  }
  return best as { prompt: string; chunks: number };
}
