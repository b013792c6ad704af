// The token and cost meter: the estimate before a call (prompt tokens, the context-window
// gauge, the worst-case cost), the actual usage and cost after it, and the session's
// spend against the budget with its soft thresholds and hard limit.
import { byId, clear, h, setShare } from './dom.js';
import { cost, int, percent, usd } from './format.js';

/** A cost in a narrow cell: why a model is unpriced goes to the tooltip. */
function showCost(node, summary) {
  node.textContent = summary?.unpriced
    ? `unpriced${summary.estimated ? ' (est.)' : ''}`
    : cost(summary);
  node.title = summary?.unpriced ? `no price: ${summary.unpricedReason ?? 'unknown'}` : '';
}

export function createMeter() {
  let callEstimate;

  function showEstimate(estimate) {
    const tokens = byId('e-tokens');
    tokens.textContent = `${estimate.exact ? '' : '~'}${int(estimate.promptTokens)}`;
    tokens.title = estimate.exact
      ? `exact: ${estimate.encoding} with the chat framing`
      : 'an estimate: tools, schemas and images are counted approximately';
    byId('e-max-output').textContent =
      estimate.maxOutputTokens === undefined ? 'unbounded' : int(estimate.maxOutputTokens);
    const window = byId('e-window');
    const gauge = byId('e-gauge');
    if (estimate.contextWindow === undefined) {
      window.textContent = 'unknown';
      setShare(byId('e-gauge-prompt'), 0);
      setShare(byId('e-gauge-output'), 0);
      gauge.classList.remove('bad');
    } else {
      const promptShare = estimate.promptTokens / estimate.contextWindow;
      window.textContent = `${percent(estimate.windowShare)} of ${int(estimate.contextWindow)}${estimate.fits ? '' : ': does not fit'}`;
      window.classList.toggle('over', !estimate.fits);
      gauge.classList.toggle('bad', !estimate.fits);
      setShare(byId('e-gauge-prompt'), promptShare);
      // The output bound is drawn after the prompt: the two together must fit.
      const output = byId('e-gauge-output');
      output.style.left = `${Math.min(100, promptShare * 100).toFixed(2)}%`;
      setShare(output, Math.max(0, estimate.windowShare - promptShare));
    }
    showCost(byId('e-cost'), estimate.worstCase);
  }

  return {
    estimate(estimate) {
      showEstimate(estimate);
    },

    estimateUnavailable(message) {
      byId('e-tokens').textContent = message;
      byId('e-max-output').textContent = '–';
      byId('e-window').textContent = '–';
      byId('e-cost').textContent = '–';
      setShare(byId('e-gauge-prompt'), 0);
      setShare(byId('e-gauge-output'), 0);
    },

    /** A call starts: the estimate of its exact request, once known, is set against the actual. */
    beginCall(estimatePromise) {
      callEstimate = undefined;
      estimatePromise.then(
        (estimate) => {
          callEstimate = estimate;
          showEstimate(estimate);
        },
        () => {},
      );
      for (const id of ['a-input', 'a-output', 'a-detail', 'a-cost', 'a-vs']) {
        byId(id).textContent = '…';
      }
    },

    usage(usage) {
      byId('a-input').textContent = int(usage.inputTokens);
      byId('a-output').textContent =
        `${int(usage.outputTokens)}${usage.estimated ? ' (est.)' : ''}`;
      byId('a-detail').textContent =
        `${int(usage.cachedInputTokens)} / ${int(usage.reasoningTokens)}`;
      if (callEstimate) {
        byId('a-vs').textContent = `${int(callEstimate.promptTokens)} → ${int(usage.inputTokens)}`;
      }
    },

    cost(summary) {
      showCost(byId('a-cost'), summary);
    },

    /** The call ended without a result (failed or stopped). */
    noResult(reason) {
      for (const id of ['a-input', 'a-output', 'a-detail', 'a-vs']) {
        const node = byId(id);
        if (node.textContent === '…') node.textContent = '–';
      }
      const costNode = byId('a-cost');
      if (costNode.textContent === '…') costNode.textContent = reason;
    },

    /** From `/api/state`: the session total against the budget. */
    session(state) {
      const { budget, session } = state;
      // Committed is spent plus what calls in flight reserved: what the hard limit checks.
      const share = budget.committed / budget.limit;
      const gauge = byId('b-gauge');
      byId('b-spent').textContent = `${usd(session.cost)} / ${usd(budget.limit)}`;
      gauge.title = `${usd(budget.committed)} committed: ${percent(share)} of ${usd(budget.limit)}`;
      setShare(byId('b-gauge-fill'), share);
      const crossed = budget.softThresholds.some((threshold) => share >= threshold);
      gauge.classList.toggle('warn', crossed && share < 1);
      gauge.classList.toggle('bad', share >= 1);
      for (const mark of gauge.querySelectorAll('.gauge-mark')) mark.remove();
      for (const threshold of budget.softThresholds) {
        const mark = h('span', { class: 'gauge-mark', title: `soft limit ${percent(threshold)}` });
        mark.style.left = `${threshold * 100}%`;
        gauge.append(mark);
      }
      const soft = budget.softThresholds.map((threshold) => usd(threshold * budget.limit));
      byId('b-limits').textContent = `${soft.join(' · ')} | ${usd(budget.limit)}`;
      byId('b-remaining').textContent = usd(budget.remaining);
      byId('b-used').textContent = percent(share);
      const notes = [];
      if (session.unpricedCalls) notes.push(`${session.unpricedCalls} unpriced`);
      if (session.estimatedCalls) notes.push(`${session.estimatedCalls} estimated`);
      byId('b-calls').textContent =
        `${session.calls}${notes.length ? ` (${notes.join(', ')})` : ''}`;
      byId('b-tokens').textContent = `${int(session.inputTokens)} / ${int(session.outputTokens)}`;
      clear(byId('topbar-budget')).append(`budget ${usd(session.cost)} / ${usd(budget.limit)}`);
    },
  };
}
