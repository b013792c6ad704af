import type { Attributes } from '@opentelemetry/api';
import type { ChatRequest, EmbedRequest, ResolvedCall } from '@ply/core';
import { GEN_AI, GENERAL, type OperationName, PLY } from './gen-ai-names.js';

/** Names the provider as `gen_ai.provider.name` wants it (`openai`, `azure.ai.openai`...). */
export type ProviderNamer = (call: ResolvedCall) => string;

/** The conventions' names for ply's own adapters; any other provider keeps its id. */
const WELL_KNOWN: Readonly<Record<string, string>> = { azure: 'azure.ai.openai' };

export const defaultProviderName: ProviderNamer = (call) =>
  WELL_KNOWN[call.provider.id] ?? call.provider.id;

/** `server.address` and `server.port` of a credential-free endpoint URL, once per endpoint. */
const servers = new Map<string, Attributes>();
export function serverAttributes(endpoint: string): Attributes {
  let server = servers.get(endpoint);
  if (server !== undefined) return server;
  server = {};
  if (URL.canParse(endpoint)) {
    const url = new URL(endpoint);
    server[GENERAL.serverAddress] = url.hostname;
    const port =
      url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
    if (port) server[GENERAL.serverPort] = Number(port);
  }
  // A bounded cache: endpoints are few, but a misuse must not grow it forever.
  if (servers.size < 1000) servers.set(endpoint, server);
  return server;
}

/** Targets' attributes by operation, provider and deployment: few, so built once each. */
const targets = new Map<string, Readonly<Attributes>>();

/**
 * What identifies the target: the metrics' dimensions and the start of the call span's
 * attributes. Shared and frozen: copy before adding to it.
 */
export function targetAttributes(
  call: ResolvedCall,
  operation: OperationName,
  providerName: string,
): Readonly<Attributes> {
  const key = `${operation}\n${providerName}\n${call.target.deployment}`;
  let attributes = targets.get(key);
  if (attributes === undefined) {
    attributes = Object.freeze(buildTarget(call, operation, providerName));
    if (targets.size < 1000) targets.set(key, attributes);
  }
  return attributes;
}

function buildTarget(call: ResolvedCall, operation: OperationName, providerName: string) {
  const attributes: Attributes = {
    [GEN_AI.operationName]: operation,
    [GEN_AI.providerName]: providerName,
    ...serverAttributes(call.target.endpoint),
  };
  if (call.target.model !== undefined) attributes[GEN_AI.requestModel] = call.target.model;
  return attributes;
}

/** The request parameters the conventions name, for the call span. */
export function requestAttributes(call: ResolvedCall, attributes: Attributes): Attributes {
  if (call.target.providerId !== attributes[GEN_AI.providerName]) {
    attributes[PLY.providerId] = call.target.providerId;
  }
  if (call.kind === 'embed') {
    const request = call.request as EmbedRequest;
    if (request.dimensions !== undefined) {
      attributes[GEN_AI.embeddingsDimensionCount] = request.dimensions;
    }
    return attributes;
  }
  const request = call.request as ChatRequest;
  const set = (name: string, value: number | undefined) => {
    if (value !== undefined) attributes[name] = value;
  };
  set(GEN_AI.requestMaxTokens, request.maxOutputTokens);
  set(GEN_AI.requestTemperature, request.temperature);
  set(GEN_AI.requestTopP, request.topP);
  set(GEN_AI.requestFrequencyPenalty, request.frequencyPenalty);
  set(GEN_AI.requestPresencePenalty, request.presencePenalty);
  set(GEN_AI.requestSeed, request.seed);
  if (request.n !== undefined && request.n !== 1) attributes[GEN_AI.requestChoiceCount] = request.n;
  if (request.stop !== undefined) {
    attributes[GEN_AI.requestStopSequences] =
      typeof request.stop === 'string' ? [request.stop] : request.stop;
  }
  if (call.kind === 'stream') attributes[GEN_AI.requestStream] = true;
  return attributes;
}
