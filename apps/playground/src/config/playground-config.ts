import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '@ply/core';
import { z } from 'zod';

/** The id the embedded simulator is registered under. */
export const SIMULATOR_ID = 'simulator';

/** One provider for the registry. The key is resolved here and never leaves the stack. */
export type ProviderConfig =
  | { id: string; kind: 'simulator' }
  | {
      id: string;
      kind: 'openai';
      baseURL?: string;
      apiKey?: string;
      organization?: string;
      project?: string;
      defaultModel?: string;
    }
  | {
      id: string;
      kind: 'azure';
      endpoint: string;
      apiVersion: string;
      apiKey?: string;
      defaultModel?: string;
    };

export interface PlaygroundConfig {
  providers: ProviderConfig[];
  /** `provider:model` the UI, chat and gateway use when a request names no provider. */
  defaultTarget: string;
  /** The session budget in USD: a hard limit, with soft thresholds as fractions of it. */
  budget: { limit: number; softThresholds: number[] };
  /** Client-side limits per provider base URL, kept by the resilience layer. */
  rateLimits: { rpm: number; tpm: number };
  retry: { maxAttempts: number; baseDelayMs: number; deadlineMs: number };
  /** The embedded simulator's streaming pace, so streaming is visible in the UI. */
  simulatorPace: { firstTokenDelayMs: number; tokenDelayMs: number };
}

export const DEFAULT_CONFIG: Omit<PlaygroundConfig, 'providers' | 'defaultTarget'> = {
  budget: { limit: 5, softThresholds: [0.5, 0.8] },
  rateLimits: { rpm: 500, tpm: 200_000 },
  retry: { maxAttempts: 3, baseDelayMs: 250, deadlineMs: 60_000 },
  simulatorPace: { firstTokenDelayMs: 150, tokenDelayMs: 12 },
};

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, "-" or "_"');
const keyFromEnv = {
  /** The environment variable holding the key: keys never live in the file. */
  apiKeyEnv: z.string().min(1).optional(),
};
const providerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('simulator') }).strict(),
  z
    .object({
      kind: z.literal('openai'),
      baseURL: z.url().optional(),
      organization: z.string().optional(),
      project: z.string().optional(),
      defaultModel: z.string().min(1).optional(),
      ...keyFromEnv,
    })
    .strict(),
  z
    .object({
      kind: z.literal('azure'),
      endpoint: z.url(),
      apiVersion: z.string().min(1),
      defaultModel: z.string().min(1).optional(),
      ...keyFromEnv,
    })
    .strict(),
]);
const positive = z.number().positive();
const configFileSchema = z
  .object({
    providers: z.record(id, providerSchema),
    default: z.string().min(1).optional(),
    budget: z
      .object({ limit: positive, softThresholds: z.array(z.number().gt(0).lte(1)).optional() })
      .strict()
      .optional(),
    rateLimits: z.object({ rpm: positive, tpm: positive }).strict().optional(),
    retry: z
      .object({
        maxAttempts: z.int().min(1).max(10).optional(),
        baseDelayMs: z.number().min(0).optional(),
        deadlineMs: positive.optional(),
      })
      .strict()
      .optional(),
    simulatorPace: z
      .object({ firstTokenDelayMs: z.number().min(0), tokenDelayMs: z.number().min(0) })
      .strict()
      .optional(),
  })
  .strict();

export type PlaygroundConfigFile = z.input<typeof configFileSchema>;

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The playground's configuration: the embedded simulator always, plus `OPENAI_API_KEY` /
 * `OPENAI_BASE_URL` from the environment as provider `openai`, or the providers a config
 * file names (`--config`, or `PLY_CONFIG`). A bad file throws `ConfigurationError` naming
 * the field.
 */
export async function loadPlaygroundConfig(
  options: { configPath?: string; env?: Environment } = {},
): Promise<PlaygroundConfig> {
  const env = options.env ?? process.env;
  const path = options.configPath ?? env.PLY_CONFIG;
  if (path !== undefined && path !== '') return configFromFile(path, env);
  return configFromEnvironment(env);
}

export function configFromEnvironment(env: Environment): PlaygroundConfig {
  const providers: ProviderConfig[] = [{ id: SIMULATOR_ID, kind: 'simulator' }];
  const apiKey = env.OPENAI_API_KEY || undefined;
  const baseURL = env.OPENAI_BASE_URL || undefined;
  if (apiKey !== undefined || baseURL !== undefined) {
    providers.push({
      id: 'openai',
      kind: 'openai',
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(baseURL === undefined ? {} : { baseURL }),
    });
  }
  // A base URL alone is usually a local server whose models we cannot guess: the
  // simulator stays the default, and the page lists that server's models.
  return {
    ...DEFAULT_CONFIG,
    providers,
    defaultTarget: apiKey === undefined ? `${SIMULATOR_ID}:gpt-4o-mini` : 'openai:gpt-4o-mini',
  };
}

async function configFromFile(path: string, env: Environment): Promise<PlaygroundConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`config: cannot read ${path}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`config: ${path} is not JSON`, { cause: error });
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    throw new ConfigurationError(`config: ${path}: \`${field}\`: ${issue?.message ?? 'invalid'}`);
  }
  const file = parsed.data;
  const providers: ProviderConfig[] = [];
  for (const [providerId, entry] of Object.entries(file.providers)) {
    providers.push(resolveProvider(providerId, entry, env));
  }
  if (!providers.some((provider) => provider.kind === 'simulator')) {
    providers.unshift({ id: SIMULATOR_ID, kind: 'simulator' });
  }
  const firstReal = providers.find((provider) => provider.kind !== 'simulator') ?? providers[0];
  const defaultTarget = file.default ?? `${firstReal?.id ?? SIMULATOR_ID}:gpt-4o-mini`;
  const defaultProvider = defaultTarget.split(':')[0];
  if (!providers.some((provider) => provider.id === defaultProvider)) {
    throw new ConfigurationError(
      `config: ${path}: \`default\` names provider "${defaultProvider}", which is not in \`providers\``,
    );
  }
  return {
    providers,
    defaultTarget,
    budget: {
      limit: file.budget?.limit ?? DEFAULT_CONFIG.budget.limit,
      softThresholds: file.budget?.softThresholds ?? DEFAULT_CONFIG.budget.softThresholds,
    },
    rateLimits: file.rateLimits ?? DEFAULT_CONFIG.rateLimits,
    retry: { ...DEFAULT_CONFIG.retry, ...file.retry },
    simulatorPace: file.simulatorPace ?? DEFAULT_CONFIG.simulatorPace,
  };
}

function resolveProvider(
  providerId: string,
  entry: z.output<typeof providerSchema>,
  env: Environment,
): ProviderConfig {
  if (entry.kind === 'simulator') return { id: providerId, kind: 'simulator' };
  const { apiKeyEnv, ...rest } = entry;
  let apiKey: string | undefined;
  if (apiKeyEnv !== undefined) {
    apiKey = env[apiKeyEnv] || undefined;
    if (apiKey === undefined) {
      throw new ConfigurationError(
        `config: \`providers.${providerId}.apiKeyEnv\` names ${apiKeyEnv}, which is not set`,
      );
    }
  }
  return { id: providerId, ...rest, ...(apiKey === undefined ? {} : { apiKey }) };
}
