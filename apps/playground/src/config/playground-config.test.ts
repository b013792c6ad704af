import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { configFromEnvironment, loadPlaygroundConfig } from './playground-config.js';

function configFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'ply-config-')), 'ply.config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('playground configuration', () => {
  it('defaults to the embedded simulator when the environment names no API', () => {
    const config = configFromEnvironment({});
    expect(config.providers).toEqual([{ id: 'simulator', kind: 'simulator' }]);
    expect(config.defaultTarget).toBe('simulator:gpt-4o-mini');
  });

  it('adds OpenAI from OPENAI_API_KEY and OPENAI_BASE_URL and makes it the default', () => {
    const key = ['test', 'key', 'value'].join('-');
    const config = configFromEnvironment({
      OPENAI_API_KEY: key,
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
    });
    expect(config.providers[1]).toEqual({
      id: 'openai',
      kind: 'openai',
      apiKey: key,
      baseURL: 'http://127.0.0.1:11434/v1',
    });
    expect(config.defaultTarget).toBe('openai:gpt-4o-mini');
  });

  it('reads several providers from a file, keys from the variables it names', async () => {
    const key = ['azure', 'secret', 'value'].join('-');
    const path = configFile({
      providers: {
        local: { kind: 'openai', baseURL: 'http://127.0.0.1:8000/v1' },
        azure: {
          kind: 'azure',
          endpoint: 'https://example.openai.azure.com',
          apiVersion: '2024-10-21',
          apiKeyEnv: 'MY_AZURE_KEY',
        },
      },
      default: 'local:llama-3',
      budget: { limit: 0.5 },
    });
    const config = await loadPlaygroundConfig({ configPath: path, env: { MY_AZURE_KEY: key } });
    expect(config.providers.map((provider) => provider.id)).toEqual([
      'simulator',
      'local',
      'azure',
    ]);
    expect(config.providers[2]).toMatchObject({ kind: 'azure', apiKey: key });
    expect(config.defaultTarget).toBe('local:llama-3');
    expect(config.budget).toEqual({ limit: 0.5, softThresholds: [0.5, 0.8] });
  });

  it('names the offending field of a bad file', async () => {
    const path = configFile({ providers: { local: { kind: 'openai', baseURL: 'not a url' } } });
    const failure = loadPlaygroundConfig({ configPath: path, env: {} });
    await expect(failure).rejects.toThrow(ConfigurationError);
    await expect(failure).rejects.toThrow(/`providers\.local\.baseURL`/);
  });

  it('refuses keys written into the file and variables that are not set', async () => {
    const inline = configFile({ providers: { openai: { kind: 'openai', apiKey: 'x' } } });
    await expect(loadPlaygroundConfig({ configPath: inline, env: {} })).rejects.toThrow(
      /`providers\.openai`/,
    );
    const unset = configFile({ providers: { openai: { kind: 'openai', apiKeyEnv: 'NOPE' } } });
    await expect(loadPlaygroundConfig({ configPath: unset, env: {} })).rejects.toThrow(
      /apiKeyEnv` names NOPE, which is not set/,
    );
  });

  it('refuses a default naming a provider the file does not have', async () => {
    const path = configFile({ providers: {}, default: 'elsewhere:gpt-4o' });
    await expect(loadPlaygroundConfig({ configPath: path, env: {} })).rejects.toThrow(
      /`default` names provider "elsewhere"/,
    );
  });

  it('takes the file from PLY_CONFIG', async () => {
    const path = configFile({ providers: {}, default: 'simulator:gpt-4o' });
    const config = await loadPlaygroundConfig({ env: { PLY_CONFIG: path } });
    expect(config.defaultTarget).toBe('simulator:gpt-4o');
  });
});
