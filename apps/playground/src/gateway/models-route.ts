import type { ServerResponse } from 'node:http';
import type { ModelInfo } from '@ply/core';
import type { ListModelsResponse, Model } from '@ply/response-models';
import type { GatewayCall } from '../observability/gateway-call.js';
import { sendJson } from '../server/http-io.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { gatewayTarget } from './gateway-target.js';

/** A model as the gateway names it: `provider:model`, owned by the provider that serves it. */
function modelToWire(providerId: string, info: ModelInfo): Model {
  return {
    id: `${providerId}:${info.id}`,
    object: 'model',
    created: info.created ?? 0,
    owned_by: providerId,
  };
}

/**
 * `GET /v1/models`: every provider's models, each id usable as `model` in a request. A
 * provider that cannot list (a bad key, an outage) is left out rather than failing the
 * list; only when none can list is the first failure the answer.
 */
export async function handleListModels(
  stack: PlaygroundStack,
  response: ServerResponse,
): Promise<void> {
  const listings = await stack.registry.listModels();
  const data: Model[] = [];
  for (const listing of listings) {
    if ('models' in listing) {
      for (const info of listing.models) data.push(modelToWire(listing.providerId, info));
    }
  }
  const failure = listings.find((listing) => 'error' in listing);
  if (data.length === 0 && failure && 'error' in failure) throw failure.error;
  const body: ListModelsResponse = { object: 'list', data };
  sendJson(response, 200, body);
}

/** `GET /v1/models/{id}`: `provider:model` or a bare model of the default provider. */
export async function handleRetrieveModel(
  stack: PlaygroundStack,
  response: ServerResponse,
  id: string,
  call: GatewayCall,
): Promise<void> {
  call.requested(id);
  const { providerId, model } = gatewayTarget(stack, id);
  call.resolved(providerId, model);
  const info = await stack.registry.get(providerId).getModel(model ?? id);
  sendJson(response, 200, modelToWire(providerId, info));
}
