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

// Off loopback the server asks for its gateway key on /api too. The user types it once;
// it stays in this tab's session storage, never in the page.
const KEY_STORE = 'ply-gateway-key';

function authorised(headers = {}) {
  const key = sessionStorage.getItem(KEY_STORE);
  return key ? { ...headers, authorization: `Bearer ${key}` } : headers;
}

/** Runs `send`; after a 401 asks for the gateway key (unless another call just did) and retries. */
async function withGatewayKey(send) {
  const sentWith = sessionStorage.getItem(KEY_STORE);
  const response = await send();
  if (response.status !== 401) return response;
  if (sessionStorage.getItem(KEY_STORE) === sentWith) {
    const key = globalThis.prompt(
      'This playground needs its gateway key (--gateway-key / PLY_GATEWAY_KEY):',
    );
    if (!key) return response;
    sessionStorage.setItem(KEY_STORE, key.trim());
  }
  return send();
}

async function parse(response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(body, response.status);
  return body;
}

export async function getJson(path, options = {}) {
  return parse(
    await withGatewayKey(() =>
      fetch(path, { headers: authorised(), signal: options.signal, cache: 'no-store' }),
    ),
  );
}

export async function sendJson(method, path, body, options = {}) {
  return parse(
    await withGatewayKey(() =>
      fetch(path, {
        method,
        headers: authorised({ 'content-type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: options.signal,
      }),
    ),
  );
}

/**
 * POSTs `body` and calls `onEvent` with each `data:` event of the answer as it arrives.
 * Resolves when the server ends the stream; aborting `signal` closes the connection,
 * which the server takes as the call's abort.
 */
export async function postForEvents(path, body, { signal, onEvent }) {
  const response = await withGatewayKey(() =>
    fetch(path, {
      method: 'POST',
      headers: authorised({ 'content-type': 'application/json', accept: 'text/event-stream' }),
      body: JSON.stringify(body),
      signal,
    }),
  );
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
