import { ApiError, insufficientQuota } from './api-error.js';
import { ConnectionDropped, resetError } from './connection-dropped.js';
import type { Fault, FaultInjector } from './faults.js';
import { formatDuration } from './format-duration.js';
import type { HandlerResult, LogFacts } from './handler.js';
import { malformedBody, malformedBodyShapes } from './malformed-body.js';
import type { LoggedRequest, RequestLog } from './request-log.js';
import { AZURE_PATH, ROUTES } from './routes.js';
import { Simulation, type SimulatorOptions } from './simulation.js';
import { droppedBody, sseBody } from './sse-body.js';

export interface Simulator {
  /** A `fetch` served in process, without sockets: hand it to any OpenAI client. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Script, rule or randomise failures. */
  readonly faults: FaultInjector;
  /** Every request served. */
  readonly log: RequestLog;
  readonly simulation: Simulation;
  /** Serves one request. Throws `ConnectionDropped` when a fault drops it before headers. */
  handle(request: Request): Promise<Response>;
}

const SERVER_ERRORS: Record<number, string> = {
  500: 'The server had an error while processing your request. Sorry about that!',
  502: 'Bad gateway.',
  503: 'The server is overloaded or not ready yet.',
  504: 'Gateway timeout.',
};

function faultError(fault: Fault, simulation: Simulation): ApiError | undefined {
  switch (fault.kind) {
    case 'rate-limit': {
      const waitMs = fault.retryAfterMs ?? 1000;
      return new ApiError(
        429,
        {
          message: 'Rate limit reached for requests. Please try again shortly.',
          type: 'requests',
          code: 'rate_limit_exceeded',
        },
        {
          'retry-after': String(Math.ceil(waitMs / 1000)),
          'retry-after-ms': String(waitMs),
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': formatDuration(waitMs),
          'x-ratelimit-limit-requests': String(simulation.options.rateLimits?.rpm ?? 10_000),
        },
      );
    }
    case 'quota':
      return insufficientQuota();
    case 'server-error': {
      const status = fault.status ?? 500;
      return new ApiError(status, {
        message: SERVER_ERRORS[status] ?? 'Server error.',
        type: 'server_error',
      });
    }
    default:
      return undefined;
  }
}

function refusedKey(apiKey: string | undefined, options: SimulatorOptions): ApiError | undefined {
  if (!apiKey) {
    return new ApiError(401, {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    });
  }
  if (options.acceptKey && !options.acceptKey(apiKey)) {
    return new ApiError(401, {
      message:
        'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
      code: 'invalid_api_key',
    });
  }
  return undefined;
}

function bearerKey(request: Request): string | undefined {
  const authorization = request.headers.get('authorization');
  const key =
    authorization?.match(/^Bearer\s+(.+)$/i)?.[1] ?? request.headers.get('api-key') ?? undefined;
  return key?.trim() || undefined;
}

/**
 * The largest request body read, as the API bounds its own (it accepts up to 50 MB of
 * images, so about that much base64): a larger one gets a 413 before it is parsed.
 */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

const INVALID_JSON = Symbol.for('invalid-json');
const TOO_LARGE = Symbol.for('request-too-large');

/** The body's bytes, or `TOO_LARGE` as soon as they pass the limit (the rest is not read). */
async function readBytes(request: Request): Promise<Uint8Array | typeof TOO_LARGE> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_REQUEST_BYTES) return TOO_LARGE;
  if (!request.body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REQUEST_BYTES) {
      await reader.cancel().catch(() => {});
      return TOO_LARGE;
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}

/** Bytes that are not UTF-8 are not JSON text (RFC 8259), as the API also answers. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readBody(request: Request): Promise<unknown> {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  if ((request.headers.get('content-type') ?? '').startsWith('multipart/form-data'))
    return request.formData();
  const bytes = await readBytes(request);
  if (bytes === TOO_LARGE) return TOO_LARGE;
  if (bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return INVALID_JSON;
  }
}

/** Creates a simulator: state, faults and log, served by `handle` or the in-process `fetch`. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const simulation = new Simulation(options);
  const nextMalformedShape = malformedBodyShapes();

  async function handle(request: Request): Promise<Response> {
    const started = simulation.clock.now();
    const requestId = simulation.id('req_');
    const url = new URL(request.url);
    let path = url.pathname.replace(/\/+$/, '');
    const azure = AZURE_PATH.exec(path);
    if (azure?.groups) path = `/v1${azure.groups.rest}`;
    let body = await readBody(request);
    if (azure?.groups && typeof body === 'object' && body !== null && !(body instanceof FormData)) {
      // Azure answers with the deployment the path names, whatever model the body gives.
      body = { ...body, model: azure.groups.deployment };
    }
    const model =
      typeof (body as { model?: unknown })?.model === 'string'
        ? (body as { model: string }).model
        : undefined;
    const stream = (body as { stream?: unknown })?.stream === true;
    const idempotencyKey = request.headers.get('idempotency-key') ?? undefined;
    const apiKey = bearerKey(request);
    const authError = refusedKey(apiKey, options);
    // Only requests that get past authentication draw a fault: a refused one uses none up.
    const fault = authError
      ? undefined
      : simulation.faults.next({ path, model, stream, headers: request.headers });
    const common: Record<string, string> = {
      'x-request-id': requestId,
      'openai-version': '2020-10-01',
    };
    if (options.organization) common['openai-organization'] = options.organization;
    const log = (status: number, facts: LogFacts = {}): LoggedRequest =>
      simulation.log.add({
        at: started,
        method: request.method,
        path,
        stream,
        status,
        requestId,
        ...(model === undefined ? {} : { model }),
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        ...(fault ? { fault: fault.kind } : {}),
        ...(body === undefined || body instanceof FormData || typeof body === 'symbol'
          ? {}
          : { body }),
        ...facts,
      });

    if (fault?.kind === 'slow-headers') {
      try {
        await simulation.clock.sleep(fault.ms, request.signal);
      } catch (error) {
        log(0); // the client gave up while the headers were held back
        throw error;
      }
    }
    if (fault?.kind === 'reset-before-headers') {
      log(0);
      throw new ConnectionDropped('connection reset before headers');
    }

    let result: HandlerResult;
    try {
      const route = ROUTES.find(
        (candidate) => candidate.method === request.method && candidate.pattern.test(path),
      );
      if (!route)
        throw new ApiError(404, { message: `Invalid URL (${request.method} ${url.pathname})` });
      if (authError || !apiKey) throw authError;
      const injected = fault ? faultError(fault, simulation) : undefined;
      if (injected) throw injected;
      if (body === TOO_LARGE) {
        throw new ApiError(413, {
          message: `Request too large: the body exceeds ${MAX_REQUEST_BYTES} bytes.`,
          code: 'request_too_large',
        });
      }
      if (typeof body === 'symbol') {
        throw new ApiError(400, {
          message:
            'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.',
        });
      }
      const params = route.pattern.exec(path)?.groups ?? {};
      result = await route.handler({
        request,
        body,
        params,
        apiKey,
        simulation,
        signal: request.signal,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const headers: Record<string, string> = {
        ...common,
        ...error.headers,
        'content-type': 'application/json',
      };
      headers['openai-processing-ms'] = String(simulation.clock.now() - started);
      log(error.status);
      return new Response(JSON.stringify({ error: error.body }, null, 2), {
        status: error.status,
        headers,
      });
    }

    const headers: Record<string, string> = { ...common, ...result.headers };
    headers['openai-processing-ms'] = String(simulation.clock.now() - started);
    if (result.kind === 'bytes') {
      log(200);
      return new Response(result.body, {
        status: 200,
        headers: { ...headers, 'content-type': result.contentType },
      });
    }
    if (result.kind === 'sse') {
      const entry = log(200, result.log);
      headers['content-type'] = 'text/event-stream; charset=utf-8';
      return new Response(sseBody(result.payloads, fault, simulation, request.signal, entry), {
        status: 200,
        headers,
      });
    }
    const status = result.status ?? 200;
    log(status, result.log);
    headers['content-type'] = 'application/json';
    const json = JSON.stringify(result.body, null, 2);
    if (fault?.kind === 'malformed-body' && status === 200) {
      const broken = malformedBody(fault.shape ?? nextMalformedShape(), json, result.body);
      headers['content-type'] = broken.contentType;
      return new Response(broken.body, { status, headers });
    }
    return new Response(fault?.kind === 'reset-after-headers' ? droppedBody() : json, {
      status,
      headers,
    });
  }

  const fetchInProcess = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof ConnectionDropped)
        throw new TypeError('fetch failed', { cause: resetError() });
      throw error;
    }
  };

  return {
    fetch: fetchInProcess,
    faults: simulation.faults,
    log: simulation.log,
    simulation,
    handle,
  };
}
