// Compare: one prompt, the same parameters, two or three provider:model ids side by side,
// each streamed through /api/chat with its latency, tokens and cost.
import { postForEvents } from './api.js';
import { byId, clear, h } from './dom.js';
import { cost, int, ms } from './format.js';
import { readParams, showProblems } from './params.js';

function metric(label, testid) {
  const value = h('b', { testid, text: '…' });
  return { node: h('div', { class: 'kv' }, h('span', { text: label }), value), value };
}

async function runColumn(column, body) {
  let text = '';
  let outcome;
  try {
    await postForEvents('/api/chat', body, {
      onEvent(event) {
        if (event.type === 'event' && event.event.type === 'text-delta') {
          text += event.event.delta;
          column.text.textContent = text;
          if (column.ttft.value.textContent === '…') column.ttft.value.textContent = ms(event.atMs);
        } else if (event.type === 'result') {
          outcome = 'result';
          const { result, timing } = event;
          column.text.textContent = result.refusal
            ? `refusal: ${result.refusal}`
            : result.text ||
              result.toolCalls.map((call) => `${call.name}(${call.arguments})`).join('\n');
          column.latency.value.textContent = ms(timing.durationMs);
          column.ttft.value.textContent = ms(timing.ttftMs);
          column.tokens.value.textContent = `${int(result.usage.inputTokens)} in / ${int(result.usage.outputTokens)} out`;
          column.speed.value.textContent =
            timing.tokensPerSecond === undefined
              ? '–'
              : `${timing.tokensPerSecond.toFixed(1)} tok/s`;
          column.cost.value.textContent = cost(result.cost);
          column.attempts.value.textContent = String(event.attempts);
        } else if (event.type === 'error') {
          outcome = 'error';
          fail(column, event.error, event.timing);
        }
      },
    });
    if (outcome === undefined)
      fail(column, { code: 'connection', message: 'ended without a result' });
  } catch (error) {
    fail(column, { code: error.code ?? 'connection', message: error.message, field: error.field });
  }
}

function fail(column, error, timing) {
  column.error.textContent = `${error.code}: ${error.message}${error.field ? ` (field ${error.field})` : ''}`;
  column.latency.value.textContent = ms(timing?.durationMs);
  for (const item of [column.ttft, column.tokens, column.speed, column.cost, column.attempts]) {
    if (item.value.textContent === '…') item.value.textContent = '–';
  }
}

export function createCompare({ promptText, onSettled }) {
  const columns = byId('compare-columns');
  const inputs = [...document.querySelectorAll('.compare-target')];
  const runButton = byId('compare-run');

  runButton.addEventListener('click', async () => {
    const params = readParams();
    if (!showProblems(params.problems)) return;
    const text = promptText();
    const targets = inputs.map((input) => input.value.trim()).filter((target) => target !== '');
    clear(columns);
    if (text === '' || targets.length === 0) {
      columns.append(
        h('p', {
          class: 'muted',
          testid: 'compare-hint',
          text: 'Type a prompt in the chat box and name at least one provider:model.',
        }),
      );
      return;
    }
    const messages = params.instructions ? [params.instructions] : [];
    messages.push({ role: 'user', content: text });
    runButton.disabled = true;
    const runs = targets.map((target) => {
      const column = {
        text: h('div', { class: 'compare-text', testid: 'compare-text' }),
        error: h('div', { class: 'field-error', testid: 'compare-error' }),
        latency: metric('latency', 'compare-latency'),
        ttft: metric('first token', 'compare-ttft'),
        tokens: metric('tokens', 'compare-tokens'),
        speed: metric('speed', 'compare-speed'),
        cost: metric('cost', 'compare-cost'),
        attempts: metric('attempts', 'compare-attempts'),
      };
      columns.append(
        h(
          'div',
          { class: 'compare-column', testid: 'compare-column' },
          h('h3', { text: target }),
          column.latency.node,
          column.ttft.node,
          column.tokens.node,
          column.speed.node,
          column.cost.node,
          column.attempts.node,
          column.error,
          column.text,
        ),
      );
      return runColumn(column, {
        target,
        stream: params.stream,
        request: { ...params.fields, messages },
      });
    });
    await Promise.all(runs);
    runButton.disabled = false;
    onSettled();
  });

  return {
    setDefaults(targets) {
      inputs.forEach((input, index) => {
        if (input.value === '' && targets[index]) input.value = targets[index];
      });
    },
  };
}
