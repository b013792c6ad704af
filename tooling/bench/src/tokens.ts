// Token counting of @ply/cost against the counters a user would pick instead: gpt-tokenizer
// (pure JS), js-tiktoken (pure JS port) and tiktoken (the WASM build ply wraps), all with
// o200k_base. Three questions: raw counting of 1 MB of mixed text, counting a growing
// 200-turn conversation after every turn, and the cold start of a fresh process.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChatMessage } from '@ply/core';
import { countTokens, createTokenEstimator } from '@ply/cost';
import * as gptTokenizer from 'gpt-tokenizer/encoding/o200k_base';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import o200kRanks from 'js-tiktoken/ranks/o200k_base';
import { get_encoding } from 'tiktoken';
import { type Measurement, measure, printTable, summarise } from './measure.ts';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

type Counter = (text: string) => number;

/** Deterministic pseudo-random numbers, so every run counts the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = (
  'the of and to in is that for it as with was on be at by this had not are but from or ' +
  'have an they which one you were all there would their we been has when who will more no ' +
  'if out so what up its about into than them can only other new some could time these two ' +
  'may then first any now such like over even most made after also did many before must ' +
  'through back years where much way well down should because each just those people how ' +
  'little state good very make world still own see work long get here between both life ' +
  'being under never day same another know while last might great old year off come since ' +
  'against go right used take three tokenizer budget request latency invoice schema'
).split(' ');

const UNICODE = [
  'café',
  'naïve',
  'Zürich',
  'São Paulo',
  'Ελληνικά γράμματα',
  'русский текст',
  '日本語の文章です。',
  '中文句子，包含标点。',
  '한국어 문장입니다.',
  '🙂',
  '🚀🚀',
  '👍🏽',
  '∑ x² ≤ ∞',
];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function sentence(next: () => number): string {
  const length = 6 + Math.floor(next() * 14);
  const words: string[] = [];
  for (let index = 0; index < length; index++) {
    const roll = next();
    if (roll < 0.04) words.push(pick(next, UNICODE));
    else if (roll < 0.09) words.push(String(Math.floor(next() * 100_000)));
    else if (roll < 0.11) words.push(`$${(next() * 1000).toFixed(2)}`);
    else words.push(pick(next, WORDS));
  }
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${pick(next, ['.', '.', '?', '!'])}`;
}

function codeBlock(next: () => number): string {
  const name = `${pick(next, WORDS)}${pick(next, ['Count', 'Budget', 'Cache', 'Total'])}`;
  const limit = Math.floor(next() * 10_000);
  return [
    '```ts',
    `export function ${name}(items: readonly number[], limit = ${limit}): number {`,
    '  let total = 0;',
    `  for (const item of items) if (item < limit) total += item * ${(next() * 10).toFixed(3)};`,
    `  return Math.min(total, limit); // ${pick(next, WORDS)} ${pick(next, WORDS)}`,
    '}',
    '```',
  ].join('\n');
}

/** Prose, code, numbers and some unicode, CJK and emoji, in paragraphs. */
function mixedText(next: () => number, characters: number): string {
  const paragraphs: string[] = [];
  let length = 0;
  while (length < characters) {
    const paragraph =
      next() < 0.2
        ? codeBlock(next)
        : Array.from({ length: 2 + Math.floor(next() * 5) }, () => sentence(next)).join(' ');
    paragraphs.push(paragraph);
    length += paragraph.length + 2;
  }
  return paragraphs.join('\n\n').slice(0, characters);
}

/**
 * Mixed text with one run of random letters in the middle (10,000 characters in the full
 * run), like a pasted hash or blob: a single pre-token, which BPE handles in quadratic time.
 */
function corpus(characters: number, runLength: number): string {
  const next = random(42);
  const run = Array.from({ length: runLength }, () =>
    String.fromCharCode(97 + Math.floor(next() * 26)),
  );
  const half = Math.floor((characters - run.length) / 2);
  return `${mixedText(next, half)} ${run.join('')} ${mixedText(next, half)}`;
}

function conversation(turns: number): ChatMessage[] {
  const next = random(7);
  const messages: ChatMessage[] = [
    { role: 'system', content: 'You are a careful assistant. Answer with code where it helps.' },
  ];
  for (let turn = 0; turn < turns; turn++) {
    messages.push({ role: 'user', content: mixedText(next, 100 + Math.floor(next() * 200)) });
    messages.push({ role: 'assistant', content: mixedText(next, 300 + Math.floor(next() * 600)) });
  }
  return messages;
}

/** The framing ply applies to text messages, for peers that count text only. */
function chatTokens(count: Counter, messages: readonly ChatMessage[]): number {
  let tokens = 3;
  for (const message of messages) {
    tokens +=
      3 + count(message.role) + count(typeof message.content === 'string' ? message.content : '');
  }
  return tokens;
}

function inMilliseconds(row: Measurement): Measurement {
  return {
    ...row,
    medianUs: row.medianUs / 1000,
    minUs: row.minUs / 1000,
    maxUs: row.maxUs / 1000,
  };
}

const SAMPLE = 'Hello, world! How many tokens is this sentence, counted cold?';

/** Import and first count of each library in a fresh `node`, timed inside the child. */
const COLD_STARTS: Array<[string, string]> = [
  [
    'ply countTokens',
    `const { countTokens } = await import('@ply/cost'); n = countTokens(text, 'gpt-4o').tokens;`,
  ],
  [
    'gpt-tokenizer countTokens',
    `const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base'); n = countTokens(text);`,
  ],
  [
    'js-tiktoken encode',
    `const { Tiktoken } = await import('js-tiktoken/lite');
     const { default: ranks } = await import('js-tiktoken/ranks/o200k_base');
     n = new Tiktoken(ranks).encode(text).length;`,
  ],
  [
    'tiktoken encode_ordinary',
    `const { get_encoding } = await import('tiktoken');
     n = get_encoding('o200k_base').encode_ordinary(text).length;`,
  ],
];

function coldStart(body: string): { inProcessMs: number; wallMs: number } {
  const script = `const text = ${JSON.stringify(SAMPLE)}; let n = 0;
    const started = performance.now();
    ${body}
    console.log(JSON.stringify({ ms: performance.now() - started, n }));`;
  const started = performance.now();
  // The parent's execArgv (loader hooks, say) carry over so the child resolves as it does.
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, '--input-type=module', '-e', script],
    { cwd: BENCH_DIR, encoding: 'utf8' },
  );
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`cold start failed: ${child.stderr}`);
  const { ms, n } = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as {
    ms: number;
    n: number;
  };
  if (!(n > 0)) throw new Error(`cold start counted no tokens: ${child.stdout}`);
  return { inProcessMs: ms, wallMs };
}

export async function benchTokens(smoke: boolean): Promise<void> {
  const tiktoken = get_encoding('o200k_base');
  const jsTiktoken = new JsTiktoken(o200kRanks);
  const noReset = () => {};
  const clearMergeCache = () => gptTokenizer.clearMergeCache();
  // gpt-tokenizer keeps a merge cache of 100,000 pre-tokens across calls: every timed run
  // starts it empty, as every ply run starts with a new estimator, so that no run is served
  // by the warm-up or the run before.
  const peers: Array<[string, Counter, () => void]> = [
    ['gpt-tokenizer countTokens', (text) => gptTokenizer.countTokens(text), clearMergeCache],
    ['gpt-tokenizer encode', (text) => gptTokenizer.encode(text).length, clearMergeCache],
    ['js-tiktoken encode', (text) => jsTiktoken.encode(text).length, noReset],
    ['tiktoken encode_ordinary', (text) => tiktoken.encode_ordinary(text).length, noReset],
  ];

  // 1. One large text.
  const text = smoke ? corpus(50_000, 1_000) : corpus(1_000_000, 10_000);
  const bytes = Buffer.byteLength(text);
  const textRounds = { rounds: smoke ? 1 : 3, operationsPerRun: 1 };
  const counted = countTokens(text, 'gpt-4o');
  console.log(
    `\nmixed text: ${text.length} characters, ${bytes} bytes; ply counts ${counted.tokens} tokens ` +
      `(exact: ${counted.exact}); ${peers.map(([name, count]) => `${name} ${count(text)}`).join(', ')}`,
  );
  const textRows = [
    await measure('ply countTokens', textRounds, () => countTokens(text, 'gpt-4o')),
  ];
  for (const [name, count, reset] of peers) {
    textRows.push(
      await measure(name, textRounds, () => {
        reset();
        return count(text);
      }),
    );
  }
  printTable(
    `count ${(bytes / 1e6).toFixed(2)} MB of mixed text, o200k_base`,
    'ms/count',
    textRows.map(inMilliseconds),
  );

  // 1b. The pathological case: one letter repeated, a single pre-token (a new letter every
  // run). js-tiktoken is left out: its pure-JS merge loop takes minutes on this.
  const letterCount = smoke ? 10_000 : 100_000;
  let letter = 0;
  const letters = () => String.fromCharCode(97 + (letter++ % 26)).repeat(letterCount);
  const letterRounds = { rounds: 1, operationsPerRun: 1 };
  printTable(
    `count ${letterCount / 1000} KB of one letter (ply cuts the run; the others do not)`,
    'ms/count',
    [
      await measure('ply countTokens', letterRounds, () => countTokens(letters(), 'gpt-4o')),
      await measure('gpt-tokenizer countTokens', letterRounds, () => {
        clearMergeCache();
        return gptTokenizer.countTokens(letters());
      }),
      await measure('tiktoken encode_ordinary', letterRounds, () =>
        tiktoken.encode_ordinary(letters()),
      ),
    ].map(inMilliseconds),
  );

  // 2. A conversation grown one turn at a time, counted after every turn.
  const turns = smoke ? 20 : 200;
  const messages = conversation(turns);
  const prefixes = Array.from({ length: turns }, (_, turn) => messages.slice(0, 3 + 2 * turn));
  const chatRounds = { rounds: smoke ? 1 : 3, operationsPerRun: 1 };
  const plyFinal = createTokenEstimator().estimateChatTokens({ model: 'gpt-4o', messages });
  console.log(
    `\nconversation: ${turns} turns, ${messages.length} messages, ` +
      `${messages.reduce((sum, m) => sum + String(m.content).length, 0)} characters; final count: ` +
      `ply ${plyFinal.tokens}, ${peers.map(([name, count]) => `${name} ${chatTokens(count, messages)}`).join(', ')}`,
  );
  const chatRows = [
    await measure('ply estimateChatTokens (cache)', chatRounds, () => {
      const estimator = createTokenEstimator();
      for (const prefix of prefixes)
        estimator.estimateChatTokens({ model: 'gpt-4o', messages: prefix });
    }),
    await measure('ply estimateChatTokens (cache off)', chatRounds, () => {
      const estimator = createTokenEstimator({ cacheSize: 0 });
      for (const prefix of prefixes)
        estimator.estimateChatTokens({ model: 'gpt-4o', messages: prefix });
    }),
  ];
  for (const [name, count, reset] of peers) {
    chatRows.push(
      await measure(`${name}, every message`, chatRounds, () => {
        reset();
        for (const prefix of prefixes) chatTokens(count, prefix);
      }),
    );
  }
  printTable(
    `${turns}-turn conversation, counted after every turn (${turns} counts per run)`,
    'ms/run',
    chatRows.map(inMilliseconds),
  );

  // 3. Cold start: a fresh process imports the library and counts one sentence. Rounds go
  // through the libraries in turn, so a slow moment of the machine hits them all alike.
  const coldRounds = smoke ? 1 : 9;
  const samples = COLD_STARTS.map(() => ({ inProcess: [] as number[], wall: [] as number[] }));
  for (let round = 0; round < coldRounds; round++) {
    for (const [index, [, body]] of COLD_STARTS.entries()) {
      const sample = coldStart(body);
      samples[index]?.inProcess.push(sample.inProcessMs);
      samples[index]?.wall.push(sample.wallMs);
    }
  }
  const inProcess = COLD_STARTS.map(([name], index) =>
    summarise(name, samples[index]?.inProcess ?? []),
  );
  const wall = COLD_STARTS.map(([name], index) => summarise(name, samples[index]?.wall ?? []));
  printTable('cold start: import + first count, timed in the child', 'ms', inProcess);
  printTable('cold start: whole `node` process, spawn to exit', 'ms', wall);
}
