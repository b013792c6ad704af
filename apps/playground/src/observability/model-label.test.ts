import { expect, it } from 'vitest';
import { ModelLabels } from './model-label.js';

it('never makes a label of a secret the server knows, even one not shaped like a key', () => {
  const secret = 'azure-deployment-secret-1234';
  const labels = new ModelLabels({ redact: (text) => text.replaceAll(secret, '[redacted]') });
  expect(labels.of('azure', secret, true)).toBe('azure:other');
  expect(labels.of('azure', 'my-deployment', true)).toBe('azure:my-deployment');
});
