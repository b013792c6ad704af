// The public entry points, each with one field to feed a bad value: the table the
// bad-input suite runs. A case returns what the call did (a value, or a promise).
import {
  ProviderRegistry,
  validateChatRequest,
  validateEmbedRequest,
  wrapProvider,
} from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';
import { BudgetManager, calculateCost, costTracking, UsageLedger } from '@ply/cost';
import { createAzureOpenAIProvider, OpenAIProvider } from '@ply/provider-openai';
import { Bulkhead, CircuitBreaker, RateLimiter, RetryBudget, RetryPolicy } from '@ply/resilience';

export interface EntryCase {
  /** `Entry.field`, as the error should name it. */
  name: string;
  /** The word the error's message or `field` must hold (one of `a|b`). */
  field: string;
  call(value: unknown): unknown;
}

const user = [{ role: 'user', content: 'hi' }];
const chat = (patch: Record<string, unknown>) =>
  validateChatRequest({ messages: user, ...patch } as never);

export function entryCases(baseURL: string): EntryCase[] {
  const provider = new OpenAIProvider({ apiKey: 'test-key', baseURL });
  const construct = (make: (value: unknown) => unknown) => make;
  return [
    // Request validation: core's, shared by every provider.
    ...[
      'model',
      'temperature',
      'topP',
      'maxOutputTokens',
      'stop',
      'seed',
      'tools',
      'toolChoice',
      'responseFormat',
      'logitBias',
      'n',
      'user',
      'frequencyPenalty',
      'presencePenalty',
      'reasoningEffort',
      'serviceTier',
      'providerOptions',
      'parallelToolCalls',
      'logprobs',
      'topLogprobs',
    ].map(
      (field): EntryCase => ({
        name: `ChatRequest.${field}`,
        field,
        call: (value) => chat({ [field]: value }),
      }),
    ),
    {
      name: 'ChatRequest.messages',
      field: 'messages',
      call: (value) => validateChatRequest({ messages: value } as never),
    },
    {
      name: 'ChatRequest.messages[0].content',
      field: 'messages[0]',
      call: (value) => chat({ messages: [{ role: 'user', content: value }] }),
    },
    {
      name: 'ChatRequest.messages[0].role',
      field: 'messages[0].role',
      call: (value) => chat({ messages: [{ role: value, content: 'x' }] }),
    },
    {
      name: 'EmbedRequest.input',
      field: 'input',
      call: (value) => validateEmbedRequest({ input: value } as never),
    },
    {
      name: 'EmbedRequest.dimensions',
      field: 'dimensions',
      call: (value) => validateEmbedRequest({ input: 'x', dimensions: value } as never),
    },
    // The adapter, over HTTP to the simulator.
    {
      name: 'provider.complete(request)',
      field: 'request|messages',
      call: (value) => provider.complete(value as never),
    },
    {
      name: 'provider.embed(request)',
      field: 'request|input',
      call: (value) => provider.embed(value as never),
    },
    {
      name: 'provider.stream(request)',
      field: 'request|messages',
      call: (value) => provider.stream(value as never).result,
    },
    {
      name: 'provider.getModel(model)',
      field: 'model',
      call: (value) => provider.getModel(value as never),
    },
    {
      name: 'OpenAIProvider.timeout',
      field: 'timeout',
      call: construct((value) => new OpenAIProvider({ timeout: value as never })),
    },
    {
      name: 'OpenAIProvider.baseURL',
      field: 'baseURL',
      call: construct((value) => new OpenAIProvider({ baseURL: value as never })),
    },
    {
      name: 'OpenAIProvider.apiKey',
      field: 'apiKey',
      call: construct((value) => new OpenAIProvider({ apiKey: value as never })),
    },
    {
      name: 'createAzureOpenAIProvider.endpoint',
      field: 'endpoint',
      call: construct((value) =>
        createAzureOpenAIProvider({ endpoint: value as never, apiVersion: 'v', apiKey: 'k' }),
      ),
    },
    // Registry and middleware.
    {
      name: 'ProviderRegistry.register(id)',
      field: 'id',
      call: (value) => new ProviderRegistry().register(value as never, new InMemoryProvider()),
    },
    {
      name: 'ProviderRegistry.register(provider)',
      field: 'provider',
      call: (value) => new ProviderRegistry().register('p', value as never),
    },
    {
      name: 'ProviderRegistry.resolve(target)',
      field: 'target',
      call: (value) =>
        new ProviderRegistry().register('p', new InMemoryProvider()).resolve(value as never),
    },
    {
      name: 'ProviderRegistry.complete(target)',
      field: 'target',
      call: (value) =>
        new ProviderRegistry()
          .register('p', new InMemoryProvider())
          .complete(value as never, { messages: user } as never),
    },
    {
      name: 'wrapProvider(middleware)',
      field: 'middleware',
      call: (value) => wrapProvider(new InMemoryProvider(), value as never),
    },
    // Cost.
    {
      name: 'BudgetManager.limits',
      field: 'limits',
      call: construct((value) => new BudgetManager({ limits: value as never })),
    },
    {
      name: 'BudgetManager.limits[0].limit',
      field: 'limit',
      call: construct(
        (value) =>
          new BudgetManager({
            limits: [{ scope: 'global', limit: value, period: 'daily' }] as never,
          }),
      ),
    },
    {
      name: 'UsageLedger.maxEntries',
      field: 'maxEntries',
      call: construct((value) => new UsageLedger({ maxEntries: value as never })),
    },
    {
      name: 'costTracking.ledger',
      field: 'ledger',
      call: construct((value) => costTracking({ ledger: value as never })),
    },
    {
      name: 'calculateCost(usage)',
      field: 'usage',
      call: (value) => calculateCost(value as never, 'gpt-4o-mini'),
    },
    // Resilience.
    {
      name: 'RetryPolicy.maxAttempts',
      field: 'maxAttempts',
      call: construct((value) => new RetryPolicy({ maxAttempts: value as never })),
    },
    {
      name: 'RetryPolicy.baseDelayMs',
      field: 'baseDelayMs',
      call: construct((value) => new RetryPolicy({ baseDelayMs: value as never })),
    },
    {
      name: 'RetryBudget.capacity',
      field: 'capacity',
      call: construct((value) => new RetryBudget({ capacity: value as never })),
    },
    {
      name: 'CircuitBreaker.consecutiveFailures',
      field: 'consecutiveFailures',
      call: construct((value) => new CircuitBreaker({ consecutiveFailures: value as never })),
    },
    {
      name: 'CircuitBreaker.openMs',
      field: 'openMs',
      call: construct((value) => new CircuitBreaker({ openMs: value as never })),
    },
    {
      name: 'RateLimiter.rpm',
      field: 'rpm',
      call: construct((value) => new RateLimiter({ rpm: value as never, tpm: 1_000 })),
    },
    {
      name: 'RateLimiter.maxWaitMs',
      field: 'maxWaitMs',
      call: construct(
        (value) => new RateLimiter({ rpm: 10, tpm: 1_000, maxWaitMs: value as never }),
      ),
    },
    {
      name: 'Bulkhead.maxConcurrent',
      field: 'maxConcurrent',
      call: construct((value) => new Bulkhead({ maxConcurrent: value as never })),
    },
  ];
}
