import { errorView, sendPageJson } from './page-json.js';
import type { UiRoute } from './ui-context.js';

/**
 * `GET /api/models`: every provider with its models as `provider:model` ids for the
 * picker; a provider that cannot list says why instead of hiding the others.
 */
export const modelsRoute: UiRoute = async (context, _request, response) => {
  const { stack } = context;
  const listed = await stack.registry.listModels({ timeout: 10_000 });
  const providers = listed.map((entry) => {
    const summary = stack.providers.find((provider) => provider.id === entry.providerId);
    const base = { id: entry.providerId, kind: summary?.kind, baseURL: summary?.baseURL };
    if ('error' in entry) return { ...base, targets: [], error: errorView(entry.error) };
    return {
      ...base,
      targets: entry.models
        .filter((model) => model.capabilities?.embeddings !== true)
        .map((model) => ({
          id: `${entry.providerId}:${model.id}`,
          contextWindow: model.contextWindow,
        })),
    };
  });
  sendPageJson(
    response,
    200,
    { defaultTarget: stack.config.defaultTarget, providers },
    context.secrets,
  );
};
