import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidRequestError } from '@ply/core';
import type { GatewayRoute } from '../observability/call-outcome.js';
import type { GatewayCall } from '../observability/gateway-call.js';
import type { GatewayObserver } from '../observability/gateway-observer.js';
import type { RouteHandler } from '../server/http-io.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { handleChatCompletions } from './chat-completions-route.js';
import { handleEmbeddings } from './embeddings-route.js';
import { handleListModels, handleRetrieveModel } from './models-route.js';

export interface GatewayOptions {
  maxBodyBytes: number;
  /** Counts each call in the metrics and writes its log line. */
  observer: GatewayObserver;
}

type Route = (
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  call: GatewayCall,
) => Promise<void>;

interface RouteEntry {
  name: GatewayRoute;
  pattern: RegExp;
  method: 'GET' | 'POST';
  run: Route;
}

function decodeId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new InvalidRequestError(`The model id "${encoded}" is not a valid URL component`, {
      field: 'model',
    });
  }
}

/**
 * The OpenAI-compatible gateway under `/v1/`: chat completions, embeddings and models,
 * through the stack. It owns every `/v1/` path, so an unknown one gets OpenAI's 404 and a
 * wrong method a 405, both as the error envelope the SDKs read.
 */
export function createGatewayHandler(
  stack: PlaygroundStack,
  options: GatewayOptions,
): RouteHandler {
  const routes: RouteEntry[] = [
    {
      name: 'chat',
      pattern: /^\/v1\/chat\/completions$/,
      method: 'POST',
      run: (request, response, _path, call) =>
        handleChatCompletions(stack, request, response, options.maxBodyBytes, call),
    },
    {
      name: 'embeddings',
      pattern: /^\/v1\/embeddings$/,
      method: 'POST',
      run: (request, response, _path, call) =>
        handleEmbeddings(stack, request, response, options.maxBodyBytes, call),
    },
    {
      name: 'models',
      pattern: /^\/v1\/models$/,
      method: 'GET',
      run: (_request, response) => handleListModels(stack, response),
    },
    {
      name: 'models',
      pattern: /^\/v1\/models\/([^/]+)$/,
      method: 'GET',
      run: (_request, response, path, call) =>
        handleRetrieveModel(stack, response, decodeId(path.slice('/v1/models/'.length)), call),
    },
  ];

  return async (request, response, url) => {
    const path = url.pathname;
    if (!path.startsWith('/v1/')) return false;
    const route = routes.find((entry) => entry.pattern.test(path));
    const method = request.method ?? 'GET';
    if (route === undefined) {
      // OpenAI's own answer to a path it does not serve.
      throw new InvalidRequestError(`Invalid URL (${method} ${path})`, { status: 404 });
    }
    await options.observer.observe(route.name, response, async (call) => {
      if (method !== route.method) {
        response.setHeader('allow', route.method);
        throw new InvalidRequestError(
          `Method ${method} is not allowed on ${path}; use ${route.method}`,
          { status: 405 },
        );
      }
      await route.run(request, response, path, call);
    });
    return true;
  };
}
