import type { Handler } from './handler.js';
import { chatCompletions } from './handlers/chat-completions.js';
import { completions } from './handlers/completions.js';
import { embeddings } from './handlers/embeddings.js';
import { listModels, retrieveModel } from './handlers/models.js';

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** Requests on this route count against the rate limits and may carry a `model`. */
  metered?: boolean;
}

export const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/v1\/chat\/completions$/, handler: chatCompletions, metered: true },
  { method: 'POST', pattern: /^\/v1\/completions$/, handler: completions, metered: true },
  { method: 'POST', pattern: /^\/v1\/embeddings$/, handler: embeddings, metered: true },
  { method: 'GET', pattern: /^\/v1\/models$/, handler: listModels },
  { method: 'GET', pattern: /^\/v1\/models\/(?<id>[^/]+)$/, handler: retrieveModel },
];

/**
 * Azure OpenAI addresses a deployment instead of naming a model:
 * `/openai/deployments/{deployment}/chat/completions?api-version=...`. The simulator serves
 * it as the OpenAI path with the deployment as the model.
 */
export const AZURE_PATH =
  /^\/openai\/deployments\/(?<deployment>[^/]+)(?<rest>\/(chat\/completions|completions|embeddings))$/;
