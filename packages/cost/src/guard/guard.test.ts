import {
  approximateTokenEstimator,
  type ChatMessage,
  ContextWindowExceededError,
  wrapProvider,
} from '@ply/core';
import { InMemoryProvider } from '@ply/core/testing';
import { describe, expect, it } from 'vitest';
import { contextWindowGuard } from './context-window-guard.js';
import { fitConversation } from './fit-conversation.js';

const windowOf = (model: string) =>
  model === 'tiny' ? { contextWindow: 100, maxOutputTokens: 50 } : undefined;

describe('contextWindowGuard', () => {
  it('refuses before the network, with the counts and the limit', async () => {
    const provider = new InMemoryProvider({ models: ['tiny'] });
    const guarded = wrapProvider(
      provider,
      contextWindowGuard({ estimator: approximateTokenEstimator, windowOf }),
    );
    const error = await guarded
      .complete({
        model: 'tiny',
        messages: [{ role: 'user', content: 'word '.repeat(60) }],
        maxOutputTokens: 40,
      })
      .catch((failure: unknown) => failure);
    expect(ContextWindowExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      model: 'tiny',
      contextWindow: 100,
      maxOutputTokens: 40,
      field: 'messages',
    });
    expect((error as ContextWindowExceededError).promptTokens).toBeGreaterThan(60);
    expect(provider.calls).toHaveLength(0);
    await expect(
      guarded.complete({
        model: 'tiny',
        messages: [{ role: 'user', content: 'short' }],
        maxOutputTokens: 40,
      }),
    ).resolves.toBeDefined();
    await expect(
      guarded.complete({
        model: 'other',
        messages: [{ role: 'user', content: 'word '.repeat(600) }],
      }),
    ).resolves.toBeDefined();
  });

  it('guards streams the same way, failing them when read', async () => {
    const provider = new InMemoryProvider();
    const guarded = wrapProvider(
      provider,
      contextWindowGuard({ estimator: approximateTokenEstimator, windowOf }),
    );
    const stream = guarded.stream({
      model: 'tiny',
      messages: [{ role: 'user', content: 'word '.repeat(200) }],
    });
    await expect(stream.result).rejects.toSatisfy((error) =>
      ContextWindowExceededError.isInstance(error),
    );
    expect(provider.calls).toHaveLength(0);
  });
});

describe('fitConversation', () => {
  const conversation: ChatMessage[] = [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'first question '.repeat(20) },
    { role: 'assistant', content: 'first answer '.repeat(20) },
    { role: 'user', content: 'look it up' },
    { role: 'assistant', toolCalls: [{ id: 'c1', name: 'search', arguments: '{"q":"x"}' }] },
    { role: 'tool', toolCallId: 'c1', content: 'result '.repeat(20) },
    { role: 'user', content: 'and now?' },
  ];

  it('drops the oldest turns, keeping instructions, the last turn and tool pairs whole', async () => {
    const fitted = await fitConversation(conversation, {
      maxTokens: 90,
      estimator: approximateTokenEstimator,
    });
    expect(fitted.messages[0]?.role).toBe('system');
    expect(fitted.messages.at(-1)).toEqual({ role: 'user', content: 'and now?' });
    expect(fitted.tokens).toBeLessThanOrEqual(90);
    const roles = fitted.messages.map((message) => message.role);
    // Whenever the tool result stays, so does the call it answers.
    if (roles.includes('tool')) expect(roles).toContain('assistant');
    expect(fitted.dropped[0]).toBe(conversation[1]);
  });

  it('never splits a tool call from its result', async () => {
    for (const maxTokens of [40, 60, 80, 100, 120, 160]) {
      const fitted = await fitConversation(conversation, {
        maxTokens,
        estimator: approximateTokenEstimator,
      });
      const keptCall = fitted.messages.includes(conversation[4] as ChatMessage);
      const keptResult = fitted.messages.includes(conversation[5] as ChatMessage);
      expect(keptCall).toBe(keptResult);
    }
  });

  it('replaces what it dropped with a summary when asked', async () => {
    const fitted = await fitConversation(conversation, {
      maxTokens: 90,
      estimator: approximateTokenEstimator,
      summarise: (dropped) => ({
        role: 'system',
        content: `(${dropped.length} earlier messages summarised)`,
      }),
    });
    expect(fitted.messages[1]?.content).toMatch(/earlier messages summarised/);
  });
});
