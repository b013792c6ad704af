// Workload 2: reading streamed answers through ply and through the clients a user would pick
// instead, against the simulator (in-process fetch, then loopback HTTP): one long stream, then
// many short ones at once. Per client: time per text chunk (and chunks/s), time to the first
// text chunk and what it adds over the raw SDK, peak heap. Two floors: the same request by
// hand (fetch + eventsource-parser + JSON.parse), and the parse alone on captured bytes.
// Targets (issue): ply at or above the raw SDK's chunks/s, and within 1.25x of the parse floor.
import { type Measurement, measureInterleaved, note, printTable } from './measure.ts';
import { AI_SDK } from './peers/ai-sdk.ts';
import { allPeers } from './peers/all.ts';
import { promptForChunks } from './peers/calibrate.ts';
import {
  captureStream,
  fetchFloorStream,
  PARSE_FLOOR,
  parseFloor,
  STREAM_FETCH_FLOOR,
} from './peers/floors.ts';
import { LANGCHAIN } from './peers/langchain.ts';
import { RAW_SDK } from './peers/openai-sdk.ts';
import type { StreamClient } from './peers/peer.ts';
import { PLY_BARE, PLY_FULL } from './peers/ply.ts';
import { median, type StreamCaseStats, streamCase } from './peers/stream-case.ts';
import { inProcess, loopback, staleSocketNote, type Transport } from './peers/transports.ts';
import { ratio, ratiosTo, times, verdict } from './peers/verdicts.ts';

interface Scenario {
  label: (chunks: number) => string;
  chunks: number;
  streams: number;
  rounds: number;
}

function scenarios(smoke: boolean): Scenario[] {
  const streams = smoke ? 10 : 200;
  return [
    {
      label: (chunks) => `one stream of ${chunks.toLocaleString('en')} chunks`,
      chunks: smoke ? 500 : 10_000,
      streams: 1,
      rounds: smoke ? 1 : 7,
    },
    {
      label: (chunks) => `${streams} concurrent streams of ${chunks.toLocaleString('en')} chunks`,
      chunks: smoke ? 50 : 500,
      streams,
      rounds: smoke ? 1 : 3,
    },
  ];
}

const rounds = (count: number) => `${count} round${count === 1 ? '' : 's'}`;
const round2 = (value: number) => Math.round(value * 100) / 100;

function streamNotes(
  rows: readonly Measurement[],
  stats: readonly StreamCaseStats[],
  chunks: number,
): void {
  const short = rows.filter((_, index) => {
    const counts = stats[index]?.chunksPerStream ?? new Set();
    return counts.size !== 1 || !counts.has(chunks);
  });
  note(
    short.length === 0
      ? `Every case read the same ${chunks.toLocaleString('en')} text chunks a stream.`
      : `NOT the same stream: ${short.map((row) => row.name).join(', ')} read other chunk counts than ${chunks}.`,
  );
  note(`Time per chunk, ratios to the raw openai SDK: ${ratiosTo(rows, RAW_SDK)}.`);
  note(`Ratios to the parse floor: ${ratiosTo(rows, PARSE_FLOOR)}.`);
  for (const name of [PLY_FULL, PLY_BARE]) {
    const toRaw = ratio(rows, name, RAW_SDK);
    const toFloor = ratio(rows, name, PARSE_FLOOR);
    note(
      `${name} ${times(toRaw)} raw SDK time per chunk: target at or above the raw SDK's chunks/s ${verdict(toRaw <= 1)}; ` +
        `${times(toFloor)} the parse floor: target ≤ 1.25x ${verdict(toFloor <= 1.25)}.`,
    );
  }
  const us = (name: string) => rows.find((row) => row.name === name)?.medianUs ?? Number.NaN;
  // The simulator's and the transport's share of a chunk: what the same request by hand
  // pays beyond parsing. Net of it, a row is its client's own reading of the stream.
  const share = us(STREAM_FETCH_FLOOR) - us(PARSE_FLOOR);
  const net = (name: string) => times((us(name) - share) / us(PARSE_FLOOR));
  note(
    `The parse floor holds no simulator and no transport; every other row does: the same request by hand (${STREAM_FETCH_FLOOR}) is ${times(ratio(rows, STREAM_FETCH_FLOOR, PARSE_FLOOR))} the parse floor. ` +
      `Net of that share (${share.toFixed(2)} µs a chunk), the clients read at: raw SDK ${net(RAW_SDK)}, ply bare ${net(PLY_BARE)}, ply full ${net(PLY_FULL)}, ${AI_SDK} ${net(AI_SDK)}, ${LANGCHAIN} ${net(LANGCHAIN)} the parse floor.`,
  );
  note(
    'Peak heap: the highest heap use over a collected start while the workload ran, garbage not yet collected included.',
  );
}

async function benchScenario(transport: Transport, scenario: Scenario): Promise<void> {
  const fetchFloor = fetchFloorStream(transport.target);
  const { prompt, chunks } = await promptForChunks(scenario.chunks, async (candidate) => {
    let count = 0;
    await fetchFloor.stream(candidate, () => count++);
    return count;
  });
  const pieces = await captureStream(transport.target, prompt);
  const clients: StreamClient[] = [parseFloor(pieces), fetchFloor, ...allPeers(transport.target)];
  const cases = clients.map((client) =>
    streamCase(client, { prompt, streams: scenario.streams }, transport.log),
  );
  const measured = await measureInterleaved(
    cases.map(({ bench }) => bench),
    { rounds: scenario.rounds, operationsPerRun: chunks * scenario.streams },
  );
  const stats = cases.map((entry) => entry.stats);
  const rawFirstText = median(
    stats[clients.findIndex((client) => client.name === RAW_SDK)]?.firstTextMs ?? [],
  );
  const parseFloorUs = measured[0]?.medianUs ?? Number.NaN;
  const rows = measured.map((row, index) => {
    const caseStats = stats[index] as StreamCaseStats;
    const firstText = median(caseStats.firstTextMs);
    return {
      ...row,
      extra: {
        'chunks/s': Math.round(1e6 / row.medianUs),
        'chunks/stream': [...caseStats.chunksPerStream].join(' / '),
        'TTFT ms': round2(firstText),
        'added TTFT ms': round2(firstText - rawFirstText),
        'peak heap MB': round2(caseStats.peakHeapMB ?? Number.NaN),
        'x parse floor': round2(row.medianUs / parseFloorUs),
      },
    };
  });
  printTable(
    `peers stream: ${scenario.label(chunks)}, ${transport.name} (sim-lorem "${prompt}", ${rounds(scenario.rounds)})`,
    'µs/chunk',
    rows,
    { baseline: RAW_SDK },
  );
  streamNotes(rows, stats, chunks);
  staleSocketNote(transport);
}

export async function benchPeersStream(smoke: boolean): Promise<void> {
  for (const open of [async () => inProcess(), loopback]) {
    const transport = await open();
    try {
      for (const scenario of scenarios(smoke)) await benchScenario(transport, scenario);
    } finally {
      await transport.close();
    }
  }
}
