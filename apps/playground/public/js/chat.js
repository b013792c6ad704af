// The chat: a conversation kept in the page, each turn sent to /api/chat and streamed
// back with time to first token and tokens/s; tool calls answered by the user or by the
// playground; the stop button closes the connection, which aborts the call server side.
import { postForEvents, sendJson } from './api.js';
import { byId, clear, h, put, show } from './dom.js';
import { cost, int, ms } from './format.js';
import { readParams, showProblems } from './params.js';
import { showToolCalls } from './tool-calls.js';

function messageView(role, text, testid = `message-${role}`) {
  const body = h('div', {
    class: 'body',
    testid: role === 'assistant' ? 'answer-text' : undefined,
    text,
  });
  const meta = h('span', { class: 'meta' });
  const node = h(
    'div',
    { class: `message ${role}`, testid },
    h('div', { class: 'role' }, h('span', { text: role }), meta),
    body,
  );
  return { node, body, meta };
}

function toolCallText(call) {
  return `${call.name ?? '…'}(${call.arguments ?? ''})`;
}

export function createChat({ inspector, meter, onSettled }) {
  const transcript = byId('transcript');
  const prompt = byId('prompt');
  const sendButton = byId('send');
  const stopButton = byId('stop');
  const toolPanel = byId('tool-calls');
  const errorBox = byId('error');
  // "New chat" replaces the array rather than emptying it: a run still settling keeps the
  // conversation it belongs to, so its late outcome cannot land in the new one.
  let conversation = [];
  let running;
  let lastBody;

  const stat = (name, value) => {
    byId(`s-${name}`).textContent = value;
  };

  function append(view) {
    transcript.querySelector('.empty')?.remove();
    transcript.append(view.node);
    view.node.scrollIntoView({ block: 'end' });
    return view;
  }

  function messagesWith(params, draft) {
    const messages = params.instructions
      ? [params.instructions, ...conversation]
      : [...conversation];
    if (draft) messages.push({ role: 'user', content: draft });
    return messages;
  }

  function bodyOf(params, messages) {
    return {
      target: params.target,
      stream: params.stream,
      request: { ...params.fields, messages },
    };
  }

  function setRunning(controller) {
    running = controller;
    sendButton.disabled = controller !== undefined;
    stopButton.disabled = controller === undefined;
  }

  function showError(error) {
    put(
      clear(errorBox),
      h('span', { class: 'code', testid: 'error-code', text: error.code }),
      h('span', { testid: 'error-message', text: error.message }),
      error.field ? h('div', { class: 'mono', text: `field: ${error.field}` }) : null,
    );
    show(errorBox);
  }

  function answerToolCalls(thread, calls, results) {
    if (thread !== conversation) return;
    calls.forEach((call, index) => {
      thread.push({ role: 'tool', toolCallId: call.id, content: results[index] });
      append(messageView('tool', `${call.name} → ${results[index]}`));
    });
    run(readParams());
  }

  async function run(params) {
    if (!showProblems(params.problems)) return;
    const body = bodyOf(params, messagesWith(params, ''));
    lastBody = body;
    // Where this run's answer belongs, even after "New chat" has started another.
    const thread = conversation;
    show(errorBox, false);
    show(toolPanel, false);
    const view = append(messageView('assistant', ''));
    view.node.classList.add('streaming');
    const calls = h('div', { class: 'calls' });
    view.node.append(calls);
    inspector.begin(body);
    meter.beginCall(
      sendJson('POST', '/api/estimate', { target: body.target, request: body.request }),
    );
    for (const name of ['ttft', 'tps', 'latency', 'attempts', 'finish']) stat(name, '–');
    stat('status', 'sending');

    const controller = new AbortController();
    setRunning(controller);
    let text = '';
    let refusal = '';
    let deltas = 0;
    let firstAtMs;
    let outcome;
    const partialCalls = new Map();

    const onStreamEvent = ({ event, atMs }) => {
      switch (event.type) {
        case 'text-delta':
          text += event.delta;
          view.body.textContent = text;
          deltas += 1;
          if (firstAtMs === undefined) {
            firstAtMs = atMs;
            stat('ttft', ms(atMs));
            stat('status', 'streaming');
          } else if (atMs > firstAtMs) {
            // Live rate from the deltas (about a token each); the final one uses the usage.
            stat('tps', `~${((deltas - 1) / ((atMs - firstAtMs) / 1000)).toFixed(1)}`);
          }
          break;
        case 'refusal-delta':
          refusal += event.delta;
          view.body.textContent = `refusal: ${refusal}`;
          break;
        case 'tool-call-delta': {
          const call = partialCalls.get(event.toolCallIndex) ?? { name: undefined, arguments: '' };
          call.name = event.name ?? call.name;
          call.arguments += event.argumentsDelta;
          partialCalls.set(event.toolCallIndex, call);
          if (firstAtMs === undefined) {
            firstAtMs = atMs;
            stat('ttft', ms(atMs));
            stat('status', 'streaming');
          }
          calls.textContent = [...partialCalls.values()].map(toolCallText).join('\n');
          break;
        }
        case 'usage':
          meter.usage(event.usage);
          break;
        case 'cost':
          meter.cost(event.cost);
          break;
        case 'finish':
          stat('finish', event.finishReason.raw ?? event.finishReason.unified);
          break;
        default:
          break;
      }
    };

    const onResult = (payload) => {
      const { result, timing } = payload;
      view.node.classList.remove('streaming');
      view.body.textContent = result.refusal ? `refusal: ${result.refusal}` : result.text;
      calls.textContent = result.toolCalls
        .map((call) => `${call.name}(${call.arguments})`)
        .join('\n');
      view.meta.textContent = `${result.model} · ${ms(timing.durationMs)} · ${int(result.usage.outputTokens)} tokens · ${cost(result.cost)}`;
      stat('status', 'done');
      stat('ttft', ms(timing.ttftMs));
      stat('tps', timing.tokensPerSecond === undefined ? '–' : timing.tokensPerSecond.toFixed(1));
      stat('latency', ms(timing.durationMs));
      stat('attempts', String(payload.attempts));
      stat('finish', result.finishReason.raw ?? result.finishReason.unified);
      meter.usage(result.usage);
      meter.cost(result.cost);
      inspector.result(payload);
      thread.push({
        role: 'assistant',
        content: result.text === '' ? null : result.text,
        ...(result.refusal ? { refusal: result.refusal } : {}),
        ...(result.toolCalls.length === 0
          ? {}
          : {
              toolCalls: result.toolCalls.map(({ id, name, arguments: args }) => ({
                id,
                name,
                arguments: args,
              })),
            }),
      });
      if (result.toolCalls.length > 0 && thread === conversation) {
        showToolCalls(toolPanel, result.toolCalls, (results) =>
          answerToolCalls(thread, result.toolCalls, results),
        );
      }
    };

    const onFailure = (payload) => {
      const { error } = payload;
      view.node.classList.remove('streaming');
      view.node.classList.add('failed');
      view.body.textContent = error.partialText ?? text;
      view.meta.textContent = `failed: ${error.code} · not kept in the conversation; Send with an empty box retries`;
      stat('status', `failed: ${error.code}`);
      stat('latency', ms(payload.timing?.durationMs));
      stat('attempts', String(payload.attempts ?? '–'));
      if (thread === conversation) showError(error);
      inspector.error(payload);
      meter.noResult('–');
    };

    try {
      await postForEvents('/api/chat', body, {
        signal: controller.signal,
        onEvent(event) {
          switch (event.type) {
            case 'start':
              stat('status', 'waiting');
              inspector.started(event.circuitKey);
              break;
            case 'trace':
              inspector.record(event.record);
              if (event.record.type === 'request')
                stat('status', `attempt ${event.record.attempt}`);
              if (
                event.record.type === 'resilience' &&
                event.record.event.type === 'retry-scheduled'
              ) {
                stat('status', 'retrying');
              }
              break;
            case 'event':
              onStreamEvent(event);
              break;
            case 'result':
              outcome = 'result';
              onResult(event);
              break;
            case 'error':
              outcome = 'error';
              onFailure(event);
              break;
            default:
              break;
          }
        },
      });
      if (outcome === undefined) {
        onFailure({ error: { code: 'connection', message: 'The answer ended without a result' } });
      }
    } catch (error) {
      if (controller.signal.aborted) {
        view.node.classList.remove('streaming');
        view.meta.textContent = 'stopped · the partial answer is kept';
        stat('status', 'stopped');
        inspector.stopped();
        meter.noResult('settled at an estimate');
        if (text !== '') thread.push({ role: 'assistant', content: text });
      } else {
        onFailure({
          error: { code: error.code ?? 'connection', message: error.message, field: error.field },
        });
      }
    } finally {
      setRunning(undefined);
      onSettled();
    }
  }

  function send() {
    if (running) return;
    const params = readParams();
    if (!showProblems(params.problems)) return;
    const draft = prompt.value.trim();
    if (draft !== '') {
      conversation.push({ role: 'user', content: draft });
      append(messageView('user', draft));
      prompt.value = '';
      prompt.dispatchEvent(new Event('input', { bubbles: true }));
    } else {
      // An empty prompt re-sends when the conversation waits for an answer (after a failure).
      const last = conversation.at(-1);
      if (last === undefined || (last.role !== 'user' && last.role !== 'tool')) {
        prompt.focus();
        return;
      }
    }
    run(params);
  }

  sendButton.addEventListener('click', send);
  stopButton.addEventListener('click', () => running?.abort());
  prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  });
  byId('clear').addEventListener('click', () => {
    running?.abort();
    conversation = [];
    lastBody = undefined;
    clear(transcript).append(h('p', { class: 'muted empty', text: 'New conversation.' }));
    show(toolPanel, false);
    show(errorBox, false);
    prompt.dispatchEvent(new Event('input', { bubbles: true }));
  });

  return {
    /** The request the next send would make, draft included: what the estimate prices. */
    pendingBody() {
      const params = readParams();
      if (params.problems.length > 0) return undefined;
      const messages = messagesWith(params, prompt.value.trim());
      return messages.some((message) => message.role !== 'system' && message.role !== 'developer')
        ? bodyOf(params, messages)
        : undefined;
    },

    /** For export: the draft as the next turn, else the last request sent. */
    currentBody() {
      if (prompt.value.trim() !== '' || lastBody === undefined) return this.pendingBody();
      return lastBody;
    },

    /** For compare: the draft, or the last thing the user said. */
    promptText() {
      const draft = prompt.value.trim();
      if (draft !== '') return draft;
      const last = conversation.findLast((message) => message.role === 'user');
      return typeof last?.content === 'string' ? last.content : '';
    },
  };
}
