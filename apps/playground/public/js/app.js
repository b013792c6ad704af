// The playground page: wires the parameters, chat, meter, inspector, compare, faults,
// live state and export together. Plain ES modules, no build step.
import { getJson, sendJson } from './api.js';
import { createChat } from './chat.js';
import { createCompare } from './compare.js';
import { byId, clear, h, tabs } from './dom.js';
import { createExport } from './export.js';
import { createFaults } from './faults.js';
import { createInspector } from './inspector.js';
import { createLive } from './live.js';
import { createMeter } from './meter.js';
import { setupParams } from './params.js';

const ESTIMATE_DELAY_MS = 250;

setupParams();
const meter = createMeter();
const inspector = createInspector();
const target = byId('target');

const live = createLive({
  target: () => target.value.trim(),
  onState(state) {
    meter.session(state);
    faults.render(state.faults);
  },
});
const faults = createFaults({
  onError(error) {
    byId('faults-pending').textContent = `${error.code}: ${error.message}`;
  },
});
const chat = createChat({ inspector, meter, onSettled: () => live.refresh() });
const compare = createCompare({
  promptText: () => chat.promptText(),
  onSettled: () => live.refresh(),
});
createExport({ currentBody: () => chat.currentBody() });

tabs(document.querySelector('[data-tabs="main"]'), document.querySelectorAll('.view'));
const selectPane = tabs(
  document.querySelector('[data-tabs="inspector"]'),
  document.querySelectorAll('.ipane'),
);
selectPane('timeline');

// The estimate follows every edit, a moment after typing stops; late answers are dropped.
let estimateTimer;
let estimateSequence = 0;
async function refreshEstimate() {
  const sequence = ++estimateSequence;
  const body = chat.pendingBody();
  if (body === undefined) {
    meter.estimateUnavailable('type a prompt');
    return;
  }
  try {
    const estimate = await sendJson('POST', '/api/estimate', {
      target: body.target,
      request: body.request,
    });
    if (sequence === estimateSequence) meter.estimate(estimate);
  } catch (error) {
    if (sequence === estimateSequence) meter.estimateUnavailable(`${error.code}: ${error.message}`);
  }
}
function scheduleEstimate() {
  clearTimeout(estimateTimer);
  estimateTimer = setTimeout(refreshEstimate, ESTIMATE_DELAY_MS);
}
for (const node of [byId('prompt'), target, document.querySelector('.sidebar')]) {
  node.addEventListener('input', scheduleEstimate);
  node.addEventListener('change', scheduleEstimate);
}

async function loadModels() {
  const list = clear(byId('target-options'));
  try {
    const models = await getJson('/api/models');
    const all = [];
    for (const provider of models.providers) {
      for (const entry of provider.targets) {
        all.push(entry.id);
        list.append(h('option', { value: entry.id }));
      }
    }
    if (target.value === '') target.value = models.defaultTarget;
    const second =
      all.find((id) => id !== models.defaultTarget && id.endsWith(':gpt-4o')) ?? all[1];
    compare.setDefaults([models.defaultTarget, second]);
  } catch (error) {
    byId('conn').textContent = `models: ${error.code}`;
  }
  scheduleEstimate();
}

await loadModels();
live.start();
