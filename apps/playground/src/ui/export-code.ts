import { type ChatRequest, parseTarget } from '@ply/core';
import type { PlaygroundConfig, ProviderConfig } from '../config/playground-config.js';

export interface ExportCodeOptions {
  /** `provider:model` as the playground called it. */
  target: string;
  /** The playground's provider behind the target: its kind and address, never its key. */
  provider: ProviderConfig;
  request: ChatRequest;
  stream: boolean;
  /** Budget, limits and retry settings to reproduce. */
  config: Pick<PlaygroundConfig, 'budget' | 'rateLimits' | 'retry'>;
}

/**
 * A base URL for generated code: origin and path only. Unlike the stack's `publicURL`,
 * which masks, code gets no query string at all (it may hold secrets, and masked values
 * would not run).
 */
function codeBaseURL(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/$/, '')}`;
  } catch {
    return '';
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function quote(text: string): string {
  const json = JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'");
  return `'${json}'`;
}

/** A value as TypeScript source, formatted as a person would write it (JSON values only). */
export function tsLiteral(value: unknown, indent = ''): string {
  if (typeof value === 'string') return quote(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${tsLiteral(item, inner)},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(
    ([key, item]) =>
      `${inner}${IDENTIFIER.test(key) ? key : quote(key)}: ${tsLiteral(item, inner)},`,
  );
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function inline(record: Record<string, number>): string {
  return `{ ${Object.entries(record)
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ')} }`;
}

function providerSetup(
  provider: ProviderConfig,
  model: string,
): { lines: string[]; factory: string } {
  if (provider.kind === 'azure') {
    return {
      factory: 'createAzureOpenAIProvider',
      lines: [
        '// The key comes from the environment, never from code.',
        'const provider = createAzureOpenAIProvider({',
        `  endpoint: ${tsLiteral(codeBaseURL(provider.endpoint))},`,
        `  apiVersion: ${tsLiteral(provider.apiVersion)},`,
        '  apiKey: process.env.AZURE_OPENAI_API_KEY,',
        '});',
      ],
    };
  }
  const lines = ['// The key comes from the environment, never from code.'];
  if (provider.kind === 'simulator') {
    lines.push(
      `// In the playground this ran on the embedded simulator. Set OPENAI_BASE_URL to a`,
      '// `ply-simulator` to run it offline; unset, it calls OpenAI.',
    );
    if (model.startsWith('sim-')) {
      lines.push(`// "${model}" is a simulator model: pick an OpenAI model to call OpenAI.`);
    }
  }
  const baseURL =
    provider.kind === 'openai' && provider.baseURL !== undefined
      ? codeBaseURL(provider.baseURL)
      : '';
  lines.push(
    'const provider = createOpenAIProvider({',
    '  apiKey: process.env.OPENAI_API_KEY,',
    ...(baseURL === '' ? [] : [`  baseURL: process.env.OPENAI_BASE_URL ?? ${tsLiteral(baseURL)},`]),
    '});',
  );
  return { factory: 'createOpenAIProvider', lines };
}

/**
 * The playground's current request as a TypeScript program using ply the way the
 * playground does: a registry whose provider runs through cost tracking (budget and
 * ledger) and resilience (retry, circuit breaker, RPM/TPM limiter). It never holds a key:
 * the provider reads `OPENAI_API_KEY` (or `AZURE_OPENAI_API_KEY`) from the environment.
 */
export function exportCode(options: ExportCodeOptions): string {
  const { provider, request, config } = options;
  // Always `provider:model` (checked when the page sent it).
  const model = parseTarget(options.target, { isProvider: (id) => id === provider.id }).model ?? '';
  // A simulator target runs against OpenAI (or a simulator) under the id `openai`.
  const providerId = provider.kind === 'simulator' ? 'openai' : provider.id;
  const target = `${providerId}:${model}`;
  const setup = providerSetup(provider, model);
  const { model: _model, ...body } = request;
  const call = options.stream
    ? [
        `const stream = registry.stream(${tsLiteral(target)}, request);`,
        'for await (const event of stream) {',
        "  if (event.type === 'text-delta') process.stdout.write(event.delta);",
        "  if (event.type === 'tool-call') console.log('\\ntool call:', event.toolCall.name, event.toolCall.input);",
        '}',
        'const result = await stream.result;',
      ]
    : [
        `const result = await registry.complete(${tsLiteral(target)}, request);`,
        'console.log(result.text);',
        "for (const call of result.toolCalls) console.log('tool call:', call.name, call.input);",
      ];
  return [
    `// ${options.target} from the ply playground. Run it with Node 22.12+ (Node 24: \`node call.ts\`).`,
    "import type { ChatRequest } from '@ply/core';",
    "import { ProviderRegistry, wrapProvider } from '@ply/core';",
    "import { BudgetManager, costTracking, tiktokenEstimator, UsageLedger } from '@ply/cost';",
    `import { ${setup.factory} } from '@ply/provider-openai';`,
    "import { CircuitBreaker, RateLimiter, resilience } from '@ply/resilience';",
    '',
    ...setup.lines,
    '',
    '// Cost tracking reserves the worst case against the budget before the network and',
    '// records what the call cost; resilience retries what can succeed, keeps a circuit per',
    '// deployment and stays under the rate limits.',
    'const ledger = new UsageLedger();',
    'const budget = new BudgetManager({',
    `  limits: [{ scope: 'global', limit: ${config.budget.limit}, period: 'total', softThresholds: [${config.budget.softThresholds.join(', ')}] }],`,
    '});',
    'const registry = new ProviderRegistry().register(',
    `  ${tsLiteral(providerId)},`,
    '  wrapProvider(',
    '    provider,',
    '    costTracking({ budget, ledger, estimator: tiktokenEstimator }),',
    '    resilience({',
    `      retry: ${inline({ ...config.retry })},`,
    '      breaker: new CircuitBreaker({ consecutiveFailures: 5, openMs: 15_000 }),',
    `      limiter: new RateLimiter({ rpm: ${config.rateLimits.rpm}, tpm: ${config.rateLimits.tpm}, estimator: tiktokenEstimator }),`,
    '    }),',
    '  ),',
    ');',
    '',
    `const request: ChatRequest = ${tsLiteral(body)};`,
    '',
    ...call,
    "const cost = result.cost?.amount ?? 'unpriced';",
    "console.log('\\n' + [result.usage.inputTokens, 'tokens in,', result.usage.outputTokens, 'out; cost:', cost, 'USD'].join(' '));",
    'await registry.dispose();',
    '',
  ].join('\n');
}
