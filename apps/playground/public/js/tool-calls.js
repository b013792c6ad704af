// The tool-call panel: the model asked for tools; the user answers each call, or lets the
// playground answer with a canned result that says where it came from.
import { clear, h, put, show } from './dom.js';

/** What "answer for me" sends back. */
function cannedResult(call) {
  return JSON.stringify({
    ok: true,
    tool: call.name,
    input: call.input,
    result: 'simulated by the playground',
  });
}

/** Shows `calls` in `panel`; `onAnswer(results)` gets one result text per call, in order. */
export function showToolCalls(panel, calls, onAnswer) {
  const inputs = calls.map(() =>
    h('textarea', {
      rows: 2,
      testid: 'tool-result',
      placeholder: 'Result for the model (JSON or text)',
    }),
  );
  const answer = (results) => {
    show(panel, false);
    onAnswer(results);
  };
  put(
    clear(panel),
    h('div', {
      class: 'section-title',
      text: `The model called ${calls.length} tool(s): answer each, or let the playground answer.`,
    }),
    calls.map((call, index) =>
      h(
        'div',
        { class: 'tool-call', testid: 'tool-call' },
        h('div', { class: 'mono', text: `${call.name}(${call.arguments})` }),
        inputs[index],
      ),
    ),
    h(
      'div',
      { class: 'row' },
      h('button', {
        type: 'button',
        class: 'primary',
        testid: 'tool-send',
        text: 'Send results',
        onClick: () => {
          const missing = inputs.findIndex((input) => input.value.trim() === '');
          if (missing === -1) answer(inputs.map((input) => input.value.trim()));
          else inputs[missing].focus();
        },
      }),
      h('button', {
        type: 'button',
        testid: 'tool-answer-for-me',
        text: 'Answer for me',
        onClick: () =>
          answer(calls.map((call, index) => inputs[index].value.trim() || cannedResult(call))),
      }),
    ),
  );
  show(panel);
}
