// The request inspector: every attempt's exact request, response headers and raw SSE
// chunks, each retry with its reason and delay, the circuit, budget and limiter decisions,
// and the validated raw result with the fields the spec lacks highlighted.
import { byId, clear, h, put } from './dom.js';
import { cost, ms, usd } from './format.js';
import { jsonView } from './json-view.js';

/** Response headers worth a glance: the request id, rate limits, retry hints, timing. */
const KEY_HEADER = /^(x-request-id|x-ratelimit-|retry-after|openai-processing-ms|x-should-retry)/;

function headersTable(headers) {
  return h(
    'table',
    { class: 'headers' },
    h(
      'tbody',
      {},
      Object.entries(headers).map(([name, value]) =>
        h(
          'tr',
          { class: KEY_HEADER.test(name) ? 'key-header' : undefined },
          h('td', { text: name }),
          h('td', { text: value }),
        ),
      ),
    ),
  );
}

/** One line of the timeline for a trace record: [kind class, label, detail]. */
function describe(record) {
  switch (record.type) {
    case 'request':
      return ['request', `→ attempt ${record.attempt}`, `${record.method} ${record.url}`];
    case 'response':
      return [
        record.status >= 400 ? 'bad' : 'response',
        `← ${record.status}`,
        `attempt ${record.attempt}${record.headers['x-request-id'] ? ` · ${record.headers['x-request-id']}` : ''}`,
      ];
    case 'body':
      return ['response', 'body', record.body.slice(0, 300)];
    case 'transport-error':
      return ['error', 'transport', `attempt ${record.attempt}: ${record.message}`];
    case 'budget':
      return ['budget', record.event.type, budgetDetail(record.event)];
    case 'resilience':
      return policyLine(record.event);
    default:
      return ['policy', record.type, ''];
  }
}

function budgetDetail(event) {
  switch (event.type) {
    case 'budget-reserved':
      return `reserved ${usd(event.amount)} (worst case) in ${event.scopes.join(', ')}`;
    case 'budget-settled':
      return `settled at ${usd(event.actual)}${event.estimated ? ' (estimated)' : ''}, reserved ${usd(event.reserved)}`;
    case 'budget-released':
      return `released ${usd(event.amount)}: the call cost nothing`;
    case 'budget-exceeded':
      return `refused ${usd(event.requested)}: ${usd(event.spent)} of ${usd(event.limit)} in ${event.scope}`;
    case 'budget-threshold':
      return `crossed ${Math.round(event.threshold * 100)}% of ${usd(event.limit)} in ${event.scope}`;
    default:
      return '';
  }
}

function policyLine(event) {
  switch (event.type) {
    case 'retry-scheduled':
      return [
        'retry',
        'retry',
        `after attempt ${event.attempt}: waiting ${ms(event.delayMs)} (${event.reason}${event.code ? `, ${event.code}` : ''})`,
      ];
    case 'retry-gave-up':
      return ['error', 'gave up', `after ${event.attempts} attempts (${event.reason})`];
    case 'retry-budget-refused':
      return ['error', 'retry budget', `refused: ${event.tokens} tokens left in ${event.scope}`];
    case 'breaker-opened':
      return [
        'error',
        'circuit open',
        `${event.key} after ${event.failures} failures, for ${ms(event.openForMs)}`,
      ];
    case 'breaker-half-opened':
      return ['policy', 'circuit half-open', event.key];
    case 'breaker-closed':
      return ['response', 'circuit closed', event.key];
    case 'breaker-rejected':
      return ['error', 'circuit rejected', `${event.key}: retry in ${ms(event.retryAfterMs)}`];
    case 'limiter-waiting':
      return ['retry', 'limiter wait', `${event.dimension}: ${ms(event.waitMs)}`];
    case 'limiter-acquired':
      return ['policy', 'limiter', `acquired after ${ms(event.waitedMs)}`];
    case 'limiter-rejected':
      return ['error', 'limiter', `${event.dimension}: ${event.reason}`];
    case 'limiter-learned':
      return [
        'policy',
        'limiter learned',
        `${event.dimension}${event.limit === undefined ? '' : ` limit ${event.limit}`}${event.remaining === undefined ? '' : ` remaining ${event.remaining}`}`,
      ];
    case 'fallback':
      return ['retry', 'fallback', `${event.from} → ${event.to} (${event.code})`];
    case 'deadline-exceeded':
      return ['error', 'deadline', `${ms(event.deadlineMs)} spent`];
    default:
      return ['policy', event.type, ''];
  }
}

export function circuitBadge(circuit) {
  if (!circuit) return '–';
  const until =
    circuit.state === 'open' && circuit.openUntil
      ? ` · ${Math.max(0, Math.ceil((circuit.openUntil - Date.now()) / 1000))} s`
      : '';
  return h('span', { class: `state ${circuit.state}`, text: `${circuit.state}${until}` });
}

export function createInspector() {
  const timeline = byId('timeline');
  const requestPane = byId('i-request');
  const responsePane = byId('i-response');
  const rawPane = byId('i-raw');
  const retries = byId('i-retries');
  const requestId = byId('i-request-id');
  const circuit = byId('i-circuit');
  let attempts = new Map();

  function row(kind, label, detail, atMs, testid) {
    const tr = h(
      'tr',
      { class: `k-${kind}`, testid },
      h('td', { class: 'at', text: atMs === undefined ? '' : `${atMs} ms` }),
      h('td', { class: 'kind', text: label }),
      h('td', { class: 'what', text: detail }),
    );
    timeline.append(tr);
    return tr;
  }

  function attempt(number) {
    let entry = attempts.get(number);
    if (entry) return entry;
    const chunks = h('ol', { class: 'chunks', testid: 'chunks' });
    const response = h(
      'details',
      { class: 'attempt', open: true, testid: 'response-attempt' },
      h('summary', { text: `attempt ${number} · waiting for headers` }),
    );
    entry = { response, chunks, chunkCount: 0, chunkRow: undefined };
    responsePane.append(response);
    attempts.set(number, entry);
    return entry;
  }

  return {
    /** A new call: everything from the previous one goes. */
    begin(body) {
      clear(timeline);
      clear(requestPane);
      clear(responsePane);
      clear(retries);
      clear(rawPane).append(h('p', { class: 'muted', text: 'Waiting for the result…' }));
      requestId.textContent = '–';
      circuit.textContent = '–';
      attempts = new Map();
      row('policy', 'call', `${body.target} · ${body.stream ? 'stream' : 'complete'}`, 0);
    },

    record(record) {
      const [kind, label, detail] = describe(record);
      if (record.type === 'chunk') {
        const entry = attempt(record.attempt);
        entry.chunkCount += 1;
        entry.chunks.append(h('li', { text: record.data }));
        // One timeline row per attempt's chunks, counting up as they arrive.
        if (entry.chunkRow === undefined) {
          entry.chunkRow = row('response', 'chunks', '', record.atMs);
        }
        entry.chunkRow.lastChild.textContent = `attempt ${record.attempt}: ${entry.chunkCount} SSE chunks (Response tab)`;
        return;
      }
      const isRetry = record.type === 'resilience' && record.event.type === 'retry-scheduled';
      row(kind, label, detail, record.atMs, isRetry ? 'timeline-retry' : undefined);
      if (record.type === 'request') {
        requestPane.append(
          h(
            'details',
            { class: 'attempt', open: true, testid: 'request-attempt' },
            h('summary', { text: `attempt ${record.attempt} · ${record.method} ${record.url}` }),
            h('div', { class: 'section-title', text: 'Headers (key redacted)' }),
            headersTable(record.headers),
            h('div', { class: 'section-title', text: 'Body, exactly as sent' }),
            jsonView(record.body, [], 'request-body'),
          ),
        );
      } else if (record.type === 'response') {
        const entry = attempt(record.attempt);
        entry.response.firstChild.textContent = `attempt ${record.attempt} · HTTP ${record.status}`;
        entry.response.append(
          h('div', { class: 'section-title', text: 'Headers' }),
          headersTable(record.headers),
          h('div', { class: 'section-title', text: 'SSE chunks as received' }),
          entry.chunks,
        );
        if (record.headers['x-request-id']) requestId.textContent = record.headers['x-request-id'];
      } else if (record.type === 'body') {
        const entry = attempt(record.attempt);
        entry.chunks.remove();
        entry.response.append(
          h('div', { class: 'section-title', text: 'Body' }),
          h('pre', { class: 'json', text: record.body }),
        );
      } else if (isRetry) {
        const { event } = record;
        retries.append(
          h('div', {
            class: 'retry',
            testid: 'retry-row',
            text: `retry after attempt ${event.attempt}: waits ${ms(event.delayMs)} · ${event.reason}${event.code ? ` (${event.code})` : ''}`,
          }),
        );
      } else if (record.type === 'resilience' && record.event.type === 'retry-gave-up') {
        retries.append(
          h('div', {
            class: 'retry gave-up',
            testid: 'retry-gave-up',
            text: `gave up after ${record.event.attempts} attempts · ${record.event.reason}`,
          }),
        );
      }
    },

    result(payload) {
      const { result, unknownFields, structured } = payload;
      this.circuit(payload.circuit);
      row(
        'response',
        'result',
        `${result.finishReason.raw ?? result.finishReason.unified} · ${cost(result.cost)}`,
        payload.timing.durationMs,
      );
      clear(rawPane);
      put(
        rawPane,
        h('div', { class: 'section-title', text: 'Result' }),
        h(
          'div',
          { class: 'mono' },
          `model ${result.model} · finish ${result.finishReason.unified} (${result.finishReason.raw}) · tier ${result.meta.serviceTier ?? '–'} · fingerprint ${result.meta.systemFingerprint ?? '–'}`,
        ),
      );
      if (structured) {
        put(
          rawPane,
          h(
            'div',
            { class: 'section-title' },
            `Structured output "${structured.schemaName}" `,
            h('span', {
              class: `badge ${structured.valid ? 'ok' : 'bad'}`,
              testid: 'structured-valid',
              text: structured.valid ? 'valid against the schema' : 'does not match the schema',
            }),
          ),
          structured.issues.length === 0
            ? null
            : h(
                'ul',
                { testid: 'structured-issues' },
                structured.issues.map((issue) =>
                  h('li', { class: 'mono', text: `${issue.path}: ${issue.message}` }),
                ),
              ),
          structured.value === undefined
            ? null
            : jsonView(structured.value, [], 'structured-value'),
        );
      }
      put(
        rawPane,
        h(
          'div',
          { class: 'section-title' },
          'Validated raw response ',
          h('span', {
            class: `badge ${unknownFields.length === 0 ? 'ok' : 'warn'}`,
            testid: 'unknown-count',
            text:
              unknownFields.length === 0
                ? 'no fields outside the spec'
                : `${unknownFields.length} field(s) outside the spec`,
          }),
        ),
        unknownFields.length === 0
          ? null
          : h(
              'ul',
              { testid: 'unknown-list' },
              unknownFields.map((path) => h('li', { class: 'mono', text: path })),
            ),
        jsonView(result.raw, unknownFields, 'raw-json'),
      );
    },

    error(payload) {
      this.circuit(payload.circuit);
      const { error } = payload;
      row('error', error.code, error.message, payload.timing?.durationMs, 'timeline-error');
      clear(rawPane).append(
        h('p', { class: 'muted', text: `No result: the call failed with ${error.code}.` }),
      );
    },

    /** The page closed the connection: the server aborted the call. */
    stopped() {
      row('error', 'stopped', 'the page closed the connection; the server aborted the call');
      clear(rawPane).append(h('p', { class: 'muted', text: 'No result: the call was stopped.' }));
    },

    /** The call started: its circuit is known by key until the call reports its state. */
    started(key) {
      circuit.textContent = `… ${key}`;
    },

    circuit(value) {
      clear(circuit);
      if (value) circuit.append(circuitBadge(value), ` ${value.key}`);
      else circuit.textContent = '–';
    },
  };
}
