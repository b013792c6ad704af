import type { Handler } from './handler.js';
import { cancelBatch, createBatch, retrieveBatch } from './handlers/batches.js';
import { chatCompletions } from './handlers/chat-completions.js';
import { completions } from './handlers/completions.js';
import { embeddings } from './handlers/embeddings.js';
import { createFile, fileContent, retrieveFile } from './handlers/files.js';
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
  { method: 'POST', pattern: /^\/v1\/files$/, handler: createFile },
  { method: 'GET', pattern: /^\/v1\/files\/(?<id>[^/]+)$/, handler: retrieveFile },
  { method: 'GET', pattern: /^\/v1\/files\/(?<id>[^/]+)\/content$/, handler: fileContent },
  { method: 'POST', pattern: /^\/v1\/batches$/, handler: createBatch },
  { method: 'GET', pattern: /^\/v1\/batches\/(?<id>[^/]+)$/, handler: retrieveBatch },
  { method: 'POST', pattern: /^\/v1\/batches\/(?<id>[^/]+)\/cancel$/, handler: cancelBatch },
];

/**
 * Azure OpenAI addresses a deployment instead of naming a model:
 * `/openai/deployments/{deployment}/chat/completions?api-version=...`. The simulator serves
 * it as the OpenAI path with the deployment as the model, over any model the body names.
 */
export const AZURE_PATH =
  /^\/openai\/deployments\/(?<deployment>[^/]+)(?<rest>\/(chat\/completions|completions|embeddings))$/;
