// A server that answers every chat request with the same bytes, run in a process of its
// own (`startFixedAnswerServer` spawns it) so that none of its work lands in the process
// whose clients are timed: what the clients' ratios then compare is their own work plus a
// real loopback HTTP exchange. It prints its port on stdout and serves until killed.
import { createServer } from 'node:http';
import { ANSWER_HEADERS, COMPLETION_BODY, STREAM_BODY, wantsStream } from './fixed-answers.ts';

const completionHeaders = {
  ...ANSWER_HEADERS,
  'content-type': 'application/json',
  'content-length': String(COMPLETION_BODY.length),
};
const streamHeaders = { ...ANSWER_HEADERS, 'content-type': 'text/event-stream' };

const server = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (piece: string) => {
    body += piece;
  });
  request.on('end', () => {
    if (wantsStream(body)) {
      response.writeHead(200, streamHeaders);
      response.end(STREAM_BODY);
    } else {
      response.writeHead(200, completionHeaders);
      response.end(COMPLETION_BODY);
    }
  });
});
// The client closes idle sockets (see @ply/simulator's server): no reset races.
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  process.stdout.write(`${address.port}\n`);
});
