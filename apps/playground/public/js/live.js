// The live side panel: polls /api/state for the limiter's headroom per provider, the
// circuits of the deployments called, the budget and the armed faults. Polling keeps the
// server simple; a second is quick enough to watch a 429 drain the limiter.
import { getJson } from './api.js';
import { byId, clear, h, setShare } from './dom.js';
import { int } from './format.js';
import { circuitBadge } from './inspector.js';

const INTERVAL_MS = 1000;

function dimension(label, value) {
  const fill = h('span', { class: 'gauge-fill' });
  const gauge = h('div', { class: 'gauge' }, fill);
  setShare(fill, value.limit > 0 ? value.remaining / value.limit : 0);
  const server =
    value.serverRemaining === undefined ? '' : ` · server ${int(value.serverRemaining)}`;
  return h(
    'div',
    { class: 'dimension' },
    h('span', { text: label }),
    h(
      'div',
      {},
      gauge,
      h('span', {
        class: 'mono',
        text: `${int(value.remaining)} / ${int(value.limit)} left${server}`,
      }),
    ),
  );
}

export function createLive({ target, onState }) {
  const connection = byId('conn');
  let timer;
  let inFlight = false;

  async function poll() {
    if (inFlight) return;
    inFlight = true;
    let state;
    try {
      const query = target() ? `?target=${encodeURIComponent(target())}` : '';
      state = await getJson(`/api/state${query}`);
      connection.textContent = 'live';
      connection.className = 'conn ok';
    } catch (error) {
      connection.textContent = error.code ? `state: ${error.code}` : 'server unreachable';
      connection.className = 'conn bad';
      return;
    } finally {
      inFlight = false;
    }
    render(state);
    onState(state);
  }

  function render(state) {
    const headroom = clear(byId('headroom'));
    for (const entry of state.headroom) {
      headroom.append(
        h(
          'div',
          { class: 'headroom', testid: `headroom-${entry.provider}` },
          h(
            'div',
            { class: 'headroom-title' },
            entry.provider,
            h('span', {
              class: 'muted',
              text: ` · ${entry.active} active, ${entry.queued} queued`,
            }),
          ),
          dimension('requests', entry.requests),
          dimension('tokens', entry.tokens),
        ),
      );
    }
    const circuits = clear(byId('circuits'));
    if (state.circuits.length === 0) {
      circuits.append(h('span', { class: 'muted', text: 'No deployment called yet.' }));
    }
    for (const circuit of state.circuits) {
      circuits.append(
        h(
          'div',
          { class: 'circuit', testid: 'circuit' },
          circuitBadge(circuit),
          h('span', { class: 'mono', text: circuit.key }),
          circuit.consecutiveFailures
            ? h('span', { class: 'muted', text: `${circuit.consecutiveFailures} failing in a row` })
            : null,
        ),
      );
    }
  }

  return {
    start() {
      poll();
      timer = setInterval(poll, INTERVAL_MS);
    },
    refresh: poll,
    stop() {
      clearInterval(timer);
    },
  };
}
