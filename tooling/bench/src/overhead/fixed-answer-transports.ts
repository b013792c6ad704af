// The two ways the overhead suite's clients reach the fixed answers: a server in another
// process over loopback HTTP, and a fetch that answers at once without a socket (what is
// left is the clients' own work alone).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ANSWER_HEADERS, COMPLETION_BODY, STREAM_BODY, wantsStream } from './fixed-answers.ts';

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface FixedAnswerTransport {
  name: string;
  baseURL: string;
  /** Undefined: Node's global fetch over loopback. */
  fetch?: Fetch;
  close(): Promise<void>;
}

const SERVER = fileURLToPath(new URL('./fixed-answer-server.ts', import.meta.url));

/** Spawns the fixed-answer server and waits for its port. */
export async function separateProcessServer(): Promise<FixedAnswerTransport> {
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  const [data] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const port = Number.parseInt(data.toString('utf8'), 10);
  return {
    name: 'server in a separate process, loopback HTTP',
    baseURL: `http://127.0.0.1:${port}/v1`,
    async close() {
      process.removeListener('exit', stop);
      const exited = once(child, 'exit');
      stop();
      await exited;
    },
  };
}

const completionHeaders = { ...ANSWER_HEADERS, 'content-type': 'application/json' };
const streamHeaders = { ...ANSWER_HEADERS, 'content-type': 'text/event-stream' };

/** A fetch that answers from memory: no socket, no server, no parsing of the request. */
export function fakeFetch(): FixedAnswerTransport {
  const fetch: Fetch = async (_input, init) => {
    const stream = typeof init?.body === 'string' && wantsStream(init.body);
    return new Response(stream ? STREAM_BODY : COMPLETION_BODY, {
      status: 200,
      headers: stream ? streamHeaders : completionHeaders,
    });
  };
  return {
    name: 'fake fetch (no network)',
    baseURL: 'http://fixed-answers.invalid/v1',
    fetch,
    close: async () => {},
  };
}
