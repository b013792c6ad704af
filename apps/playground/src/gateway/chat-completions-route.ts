import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallOptions, ChatRequest } from '@ply/core';
import type { GatewayCall } from '../observability/gateway-call.js';
import { toWireError } from '../server/error-envelope.js';
import { readJsonBody, sendJson, startEventStream, writeEvent } from '../server/http-io.js';
import { waitForDrain } from '../server/wait-for-drain.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import { answerUpstream } from './answer-upstream.js';
import { chatResultToWire } from './chat-result-to-wire.js';
import { gatewayCallOptions } from './gateway-call-options.js';
import { type GatewayTarget, gatewayTarget } from './gateway-target.js';
import { streamToChunks } from './stream-to-chunks.js';
import { upstreamHeaders } from './upstream-headers.js';
import { type WireChatRequest, wireToChatRequest } from './wire-to-chat-request.js';

/**
 * `POST /v1/chat/completions`: the wire request through the stack's registry (so cost
 * tracking, budget, retries, breaker and limiter all apply), answered in OpenAI's format.
 * Failures before the answer starts are thrown, and the server sends them as the error
 * envelope; upstream facts are set on the response first.
 */
export async function handleChatCompletions(
  stack: PlaygroundStack,
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes: number,
  call: GatewayCall,
): Promise<void> {
  const wire = wireToChatRequest(await readJsonBody(request, maxBodyBytes));
  call.requested(wire.model, wire.stream);
  const target = gatewayTarget(stack, wire.model);
  call.resolved(target.providerId, target.model);
  await answerUpstream(response, (signal) => {
    const options = gatewayCallOptions(signal, wire.request.user);
    return wire.stream
      ? streamAnswer(stack, wire, target, options, response, call)
      : completeAnswer(stack, wire.request, target, options, response, call);
  });
}

async function completeAnswer(
  stack: PlaygroundStack,
  request: ChatRequest,
  target: GatewayTarget,
  options: CallOptions,
  response: ServerResponse,
  call: GatewayCall,
): Promise<void> {
  const result = await stack.registry.complete(target.target, request, options);
  call.answered(result);
  sendJson(
    response,
    200,
    chatResultToWire(result, target.model ?? ''),
    upstreamHeaders(result.meta),
  );
}

async function streamAnswer(
  stack: PlaygroundStack,
  wire: WireChatRequest,
  target: GatewayTarget,
  options: CallOptions,
  response: ServerResponse,
  call: GatewayCall,
): Promise<void> {
  const stream = stack.registry.stream(target.target, wire.request, options);
  const chunks = streamToChunks(stream, {
    includeUsage: wire.includeUsage,
    requestedModel: target.model ?? '',
  });
  // Nothing is sent until the first chunk: a call that fails before it (after any retries
  // the resilience layer made) still gets a proper status and error envelope.
  let step = await chunks.next();
  if (!step.done) call.firstChunk();
  startEventStream(response);
  try {
    while (!step.done) {
      writeEvent(response, step.value);
      await waitForDrain(response, options.signal);
      step = await chunks.next();
    }
    writeEvent(response, '[DONE]');
    call.answered(await stream.result);
  } catch (error) {
    call.failed(error);
    // Committed: the status is sent. The SDKs raise an `error` event as an APIError. The
    // message may quote an upstream's echo of the key: masked like every other error.
    if (!response.destroyed) {
      writeEvent(response, { error: toWireError(error, stack.secrets).body.error });
    }
  } finally {
    // Ends the upstream stream too when we stopped early (the client left).
    await chunks.return(undefined).catch(() => {});
    response.end();
  }
}
