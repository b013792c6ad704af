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

/** A field of an options object (`Entry.field`), fed beside the valid fields in `base`. */
const option = (
  entry: string,
  field: string,
  make: (options: never) => unknown,
  base: Record<string, unknown> = {},
): EntryCase => ({
  name: `${entry}.${field}`,
  field,
  call: (value) => make({ ...base, [field]: value } as never),
});

export function entryCases(baseURL: string): EntryCase[] {
  const provider = new OpenAIProvider({ apiKey: 'test-key', baseURL });
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
    ].map((field) => option('ChatRequest', field, validateChatRequest, { messages: user })),
    option('ChatRequest', 'messages', validateChatRequest),
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
    option('EmbedRequest', 'input', validateEmbedRequest),
    option('EmbedRequest', 'dimensions', validateEmbedRequest, { input: 'x' }),
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
    option('OpenAIProvider', 'timeout', (options) => new OpenAIProvider(options)),
    option('OpenAIProvider', 'baseURL', (options) => new OpenAIProvider(options)),
    option('OpenAIProvider', 'apiKey', (options) => new OpenAIProvider(options)),
    option('createAzureOpenAIProvider', 'endpoint', createAzureOpenAIProvider, {
      apiVersion: 'v',
      apiKey: 'k',
    }),
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
    option('BudgetManager', 'limits', (options) => new BudgetManager(options)),
    {
      name: 'BudgetManager.limits[0].limit',
      field: 'limit',
      call: (value) =>
        new BudgetManager({
          limits: [{ scope: 'global', limit: value, period: 'daily' }] as never,
        }),
    },
    option('UsageLedger', 'maxEntries', (options) => new UsageLedger(options)),
    option('costTracking', 'ledger', costTracking),
    {
      name: 'calculateCost(usage)',
      field: 'usage',
      call: (value) => calculateCost(value as never, 'gpt-4o-mini'),
    },
    // Resilience.
    option('RetryPolicy', 'maxAttempts', (options) => new RetryPolicy(options)),
    option('RetryPolicy', 'baseDelayMs', (options) => new RetryPolicy(options)),
    option('RetryBudget', 'capacity', (options) => new RetryBudget(options)),
    option('CircuitBreaker', 'consecutiveFailures', (options) => new CircuitBreaker(options)),
    option('CircuitBreaker', 'openMs', (options) => new CircuitBreaker(options)),
    option('RateLimiter', 'rpm', (options) => new RateLimiter(options), { tpm: 1_000 }),
    option('RateLimiter', 'maxWaitMs', (options) => new RateLimiter(options), {
      rpm: 10,
      tpm: 1_000,
    }),
    option('Bulkhead', 'maxConcurrent', (options) => new Bulkhead(options)),
  ];
}
