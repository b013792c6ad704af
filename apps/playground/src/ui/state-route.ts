import { sendPageJson } from './page-json.js';
import type { UiRoute } from './ui-context.js';

/**
 * `GET /api/state[?target=provider:model]`: what the page polls to stay live. The session's
 * spend against the budget (with its soft thresholds and hard limit), the limiter's
 * headroom per provider, the circuit of every deployment called (and of `target`), and
 * the armed faults. Cheap: nothing here touches the network.
 */
export const stateRoute: UiRoute = async (context, _request, response, url) => {
  const { stack } = context;
  const target = url.searchParams.get('target');
  const keys = new Set(context.session.deployments);
  if (target?.includes(':') && stack.registry.has(target.split(':')[0] ?? '')) {
    keys.add(stack.registry.target(target).deployment);
  }
  const [budgetRows, headroom, circuits] = await Promise.all([
    stack.budget.status(),
    Promise.all(
      stack.providers.map(async (provider) => ({
        provider: provider.id,
        ...(await stack.headroom(provider.endpoint)),
      })),
    ),
    Promise.all([...keys].map(async (key) => ({ key, ...(await stack.breaker.snapshot(key)) }))),
  ]);
  const global = budgetRows.find((row) => row.kind === 'global');
  const entries = stack.ledger.entries();
  sendPageJson(
    response,
    200,
    {
      providers: stack.providers,
      defaultTarget: stack.config.defaultTarget,
      budget: {
        limit: stack.config.budget.limit,
        softThresholds: stack.config.budget.softThresholds,
        /** Settled spend plus what calls in flight have reserved. */
        committed: global?.spent ?? 0,
        remaining: global?.remaining ?? stack.config.budget.limit,
      },
      session: {
        calls: entries.length,
        /** What the calls cost, from the ledger (priced calls only). */
        cost: stack.ledger.totalCost(),
        unpricedCalls: entries.filter((entry) => entry.cost.unpriced).length,
        estimatedCalls: entries.filter((entry) => entry.estimated).length,
        inputTokens: entries.reduce((sum, entry) => sum + entry.usage.inputTokens, 0),
        outputTokens: entries.reduce((sum, entry) => sum + entry.usage.outputTokens, 0),
      },
      headroom,
      circuits,
      faults: context.session.faultState(),
    },
    context.secrets,
  );
};
