// Talking to the playground's /api: JSON in, JSON or server-sent events out. Failures
// arrive as OpenAI's error envelope with ply's typed code in `error.ply_code`.

export class ApiError extends Error {
  constructor(envelope, status) {
    const error = envelope?.error ?? {};
    super(error.message ?? `HTTP ${status}`);
    this.code = error.ply_code ?? error.code ?? `http_${status}`;
    this.field = error.param ?? undefined;
    this.status = status;
  }
}

async function parse(response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(body, response.status);
  return body;
}

export async function getJson(path, options = {}) {
  return parse(await fetch(path, { signal: options.signal, cache: 'no-store' }));
}

export async function sendJson(method, path, body, options = {}) {
  return parse(
    await fetch(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    }),
  );
}

/**
 * POSTs `body` and calls `onEvent` with each `data:` event of the answer as it arrives.
 * Resolves when the server ends the stream; aborting `signal` closes the connection,
 * which the server takes as the call's abort.
 */
export async function postForEvents(path, body, { signal, onEvent }) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok || response.body === null) await parse(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data !== '') onEvent(JSON.parse(data));
      end = buffer.indexOf('\n\n');
    }
  }
}
