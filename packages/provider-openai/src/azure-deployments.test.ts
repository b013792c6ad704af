// Azure OpenAI over loopback HTTP: the simulator answers a deployment path with the
// deployment as the model, whatever the body says, as Azure does.
import { type RunningSimulator, startSimulator } from '@ply/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AzureOpenAIProviderOptions,
  createAzureOpenAIProvider,
} from './create-azure-provider.js';
import { ask } from './provider.test-support.js';

let running: RunningSimulator;
beforeAll(async () => {
  running = await startSimulator({ port: 0 });
});
afterAll(() => running.close());

const azure = (options: Partial<AzureOpenAIProviderOptions> = {}) =>
  createAzureOpenAIProvider({
    endpoint: running.url.replace(/\/v1$/, ''),
    apiVersion: '2024-10-21',
    apiKey: 'azure-key',
    ...options,
  });

/** The deployment the last request addressed (the simulator takes it as the model). */
const lastDeployment = () => running.simulator.log.entries.at(-1)?.model;

describe('Azure with a default deployment', () => {
  const provider = () => azure({ deployment: 'gpt-4o-mini' });

  it("sends a request that names a model to that model's deployment", async () => {
    const embedded = await provider().embed({ model: 'text-embedding-3-small', input: ['x'] });
    expect(lastDeployment()).toBe('text-embedding-3-small');
    expect(embedded.model).toBe('text-embedding-3-small');
    const completed = await provider().complete({ model: 'gpt-4o', ...ask('which one?') });
    expect(lastDeployment()).toBe('gpt-4o');
    expect(completed.model).toBe('gpt-4o');
  });

  it('sends a request that names none to `deployment`, chat and embeddings alike', async () => {
    await provider().complete(ask('the default'));
    expect(lastDeployment()).toBe('gpt-4o-mini');
    await expect(provider().embed({ input: ['x'] })).rejects.toMatchObject({ status: 404 });
    expect(lastDeployment()).toBe('gpt-4o-mini');
  });

  it('lets defaultModel and defaultEmbeddingModel choose per kind of request', async () => {
    const configured = azure({
      deployment: 'gpt-4o-mini',
      defaultModel: 'gpt-4o',
      defaultEmbeddingModel: 'text-embedding-3-large',
    });
    await configured.complete(ask('chat default'));
    expect(lastDeployment()).toBe('gpt-4o');
    await configured.embed({ input: ['embeddings default'] });
    expect(lastDeployment()).toBe('text-embedding-3-large');
  });
});

describe('Azure without a default deployment', () => {
  it("addresses each request's model as its deployment", async () => {
    await azure().complete({ model: 'gpt-4.1-mini', ...ask('hi') });
    expect(lastDeployment()).toBe('gpt-4.1-mini');
    await azure().embed({ model: 'text-embedding-3-large', input: ['hi'] });
    expect(lastDeployment()).toBe('text-embedding-3-large');
  });
});
