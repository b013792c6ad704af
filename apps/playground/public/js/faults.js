// Fault toggles for the embedded simulator: on for every call, or once for the next call.
// The server arms them; the state poll keeps the toggles honest.
import { sendJson } from './api.js';
import { byId, h } from './dom.js';

const FAULTS = [
  ['rate-limit', '429 rate limit', 'retry-after 500 ms: retried'],
  ['server-error', '503 server error', 'retried; 5 in a row open the circuit'],
  ['stream-cut', 'stream cut', 'connection drops after 3 chunks'],
  ['stall', 'stream stall', 'no bytes for 3 s mid-stream'],
  ['quota', '429 insufficient_quota', 'not retryable'],
];

export function createFaults({ onError }) {
  const body = byId('faults');
  const toggles = new Map();
  const rows = new Map();

  const post = async (fault, mode) => {
    try {
      return await sendJson('POST', '/api/faults', { fault, mode });
    } catch (error) {
      onError(error);
      return undefined;
    }
  };

  for (const [name, label, note] of FAULTS) {
    const toggle = h('input', {
      type: 'checkbox',
      testid: `fault-toggle-${name}`,
      title: 'every call while on',
    });
    toggle.addEventListener('change', async () => {
      const state = await post(name, toggle.checked ? 'on' : 'off');
      if (state) render(state);
    });
    const once = h('button', {
      type: 'button',
      class: 'small',
      testid: `fault-once-${name}`,
      text: 'once',
      title: 'the next call only',
      onClick: async () => {
        const state = await post(name, 'once');
        if (state) render(state);
      },
    });
    const row = h(
      'tr',
      { testid: `fault-${name}` },
      h('td', {}, h('label', { class: 'check' }, toggle, 'on')),
      h('td', { class: 'fault-name' }, label, h('small', { text: note })),
      h('td', {}, once),
    );
    toggles.set(name, toggle);
    rows.set(name, row);
    body.append(row);
  }

  byId('faults-clear').addEventListener('click', async () => {
    try {
      render(await sendJson('DELETE', '/api/faults'));
    } catch (error) {
      onError(error);
    }
  });

  function render(state) {
    for (const [name, toggle] of toggles) {
      const on = state.always.includes(name);
      toggle.checked = on;
      rows.get(name).classList.toggle('armed', on);
    }
    byId('faults-pending').textContent =
      state.pending === 0 ? 'nothing queued' : `${state.pending} queued for the next call(s)`;
  }

  return { render };
}
