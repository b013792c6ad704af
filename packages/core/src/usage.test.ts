import { describe, expect, it } from 'vitest';
import { createUsage } from './usage.js';

describe('createUsage', () => {
  it('fills every count with 0 and estimated with false', () => {
    expect(createUsage()).toEqual({
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      inputAudioTokens: 0,
      outputAudioTokens: 0,
      acceptedPredictionTokens: 0,
      rejectedPredictionTokens: 0,
      totalTokens: 0,
      estimated: false,
    });
  });

  it('keeps the given fields', () => {
    const usage = createUsage({ inputTokens: 10, cachedInputTokens: 4, reasoningTokens: 2 });
    expect(usage).toMatchObject({ inputTokens: 10, cachedInputTokens: 4, reasoningTokens: 2 });
    expect(usage.outputTokens).toBe(0);
  });

  it('defaults totalTokens to input plus output', () => {
    expect(createUsage({ inputTokens: 10, outputTokens: 5 }).totalTokens).toBe(15);
  });

  it('keeps an explicit totalTokens', () => {
    expect(createUsage({ inputTokens: 10, outputTokens: 5, totalTokens: 20 }).totalTokens).toBe(20);
  });

  it('keeps raw when given and leaves it out otherwise', () => {
    const raw = { prompt_tokens: 10 };
    expect(createUsage({ raw }).raw).toBe(raw);
    expect(createUsage({ inputTokens: 1 })).not.toHaveProperty('raw');
  });
});
