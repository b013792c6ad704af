import { afterEach, describe, expect, it } from 'vitest';
import { formatUsd } from '../format/usd.js';
import type { PlaygroundStack } from '../stack/playground-stack.js';
import {
  plantedKey,
  stackWithKey,
  startKeyEchoingUpstream,
} from '../testing/key-echoing-upstream.test-support.js';
import { ChatHarness, chatLines, requestedMessages, simulatorStack } from './chat.test-support.js';

const stacks: PlaygroundStack[] = [];
function stack(): PlaygroundStack {
  const created = simulatorStack();
  stacks.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((created) => created.dispose()));
});

/** Footer of a priced simulator answer: model, tokens, a dollar cost, the session budget. */
const PRICED_FOOTER =
  /^simulator:gpt-4o-mini · \d+ in \/ \d+ out tokens · \$0\.0*[1-9]\d* · session \$0\.0*[1-9]\d* of \$5\.00 budget/m;

describe('runChat', () => {
  it('streams the answer as it arrives, then a footer with tokens and the cost', async () => {
    const { code, text, writes } = await chatLines(stack(), ['Tell me about streaming answers']);
    expect(code).toBe(0);
    expect(text).toMatch(/^> Tell me about streaming answers\nTell me about streaming answers\n/m);
    expect(text).toMatch(PRICED_FOOTER);
    // Delta by delta, not the whole answer in one write.
    const answerWrites = writes.slice(
      writes.indexOf('> Tell me about streaming answers\n') + 1,
      writes.findIndex((write) => write.startsWith('simulator:')),
    );
    expect(answerWrites.length).toBeGreaterThan(2);
    expect(answerWrites.join('')).toBe('Tell me about streaming answers\n');
  });

  it('carries the conversation over: the second request holds the first answer', async () => {
    const chat = stack();
    const { text } = await chatLines(chat, ['first question', 'second question']);
    expect(text.match(/^simulator:gpt-4o-mini · /gm)).toHaveLength(2);
    expect(requestedMessages(chat)[1]).toEqual([
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first question' },
      { role: 'user', content: 'second question' },
    ]);
  });

  it('/model switches the model for the next answers; an unpriced one says so', async () => {
    const chat = stack();
    const { text } = await chatLines(chat, [
      'hello',
      '/model simulator:sim-lorem',
      'write 5 words',
    ]);
    expect(text).toMatch(/^model: simulator:sim-lorem$/m);
    expect(text).toMatch(
      /^simulator:sim-lorem · \d+ in \/ \d+ out tokens · unpriced · session \$\S+ \(\+1 unpriced\) of/m,
    );
    const chats = chat.simulator.log.filter('/v1/chat/completions');
    expect(chats.map((entry) => entry.model)).toEqual(['gpt-4o-mini', 'sim-lorem']);
    // The new model continues the same conversation.
    expect(requestedMessages(chat)[1]).toHaveLength(3);
  });

  it('/system sets the system prompt of the next requests; "off" removes it', async () => {
    const chat = stack();
    await chatLines(chat, ['/system You are terse.', 'one', '/system off', 'two'], {
      system: 'From the command line.',
    });
    const [first, second] = requestedMessages(chat);
    expect(first?.[0]).toEqual({ role: 'system', content: 'You are terse.' });
    expect(second?.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('starts with the system prompt it is given', async () => {
    const chat = stack();
    await chatLines(chat, ['hi'], { system: 'From the command line.' });
    expect(requestedMessages(chat)[0]?.[0]).toEqual({
      role: 'system',
      content: 'From the command line.',
    });
  });

  it('/reset forgets the conversation but keeps the system prompt', async () => {
    const chat = stack();
    await chatLines(chat, ['one', '/reset', 'two'], { system: 'Be brief.' });
    expect(requestedMessages(chat)[1]).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'two' },
    ]);
  });

  it('prints a failed answer as its typed code and message, and goes on', async () => {
    const chat = stack();
    const { code, text } = await chatLines(chat, [
      '/model simulator:no-such-model',
      'lost question',
      '/model simulator:gpt-4o-mini',
      'answered question',
    ]);
    expect(text).toMatch(/^error: not_found: .*no-such-model/m);
    expect(text).toMatch(/^answered question\nsimulator:gpt-4o-mini · /m);
    // The failed question is not part of the conversation.
    expect(requestedMessages(chat)[1]).toEqual([{ role: 'user', content: 'answered question' }]);
    // A script learns that something failed.
    expect(code).toBe(1);
  });

  it('never prints a key the upstream echoes in its errors, yet names the error', async () => {
    const key = plantedKey();
    const upstream = await startKeyEchoingUpstream();
    try {
      const chat = stackWithKey(upstream, key);
      stacks.push(chat);
      const { code, text } = await chatLines(chat, ['hello', '/models'], {
        target: 'openai:gpt-4o-mini',
      });
      expect(code).toBe(1);
      expect(text).toMatch(/^error: stream_interrupted: .*for the key \[redacted\]/m);
      expect(text).toMatch(/^openai: error: authentication: .*\[redacted\]/m);
      expect(text).not.toContain(key);
      // Both the answer and the listing reached the upstream, which echoed the key.
      expect(upstream.keysSeen).toHaveLength(2);
    } finally {
      await upstream.close();
    }
  });

  it('refuses /model with an unknown provider, typed, keeping the current model', async () => {
    const { text } = await chatLines(stack(), ['/model nowhere:gpt-4o', 'still here']);
    expect(text).toMatch(/^error: provider_not_found: /m);
    expect(text).toMatch(/^simulator:gpt-4o-mini · /m);
  });

  it('reports a stream cut mid-answer as stream_interrupted and keeps the partial text', async () => {
    const chat = stack();
    chat.simulator.faults.enqueue({ kind: 'reset-after-chunks', chunks: 3 });
    const question = 'one two three four five six seven eight nine ten';
    const { text } = await chatLines(chat, [question, 'and then?']);
    expect(text).toMatch(/^error: stream_interrupted: /m);
    expect(text).toMatch(/^the partial answer is kept$/m);
    // The cost layer's estimate for the output that was shown.
    expect(text).toMatch(
      /^simulator:gpt-4o-mini · ~\d+ in \/ ~\d+ out tokens \(estimated\) · ~\$/m,
    );
    const kept = requestedMessages(chat).at(-1)?.[1];
    expect(kept?.role).toBe('assistant');
    expect(typeof kept?.content).toBe('string');
    const partial = kept?.content as string;
    expect(partial.length).toBeGreaterThan(0);
    expect(question.startsWith(partial)).toBe(true);
    expect(partial).not.toBe(question);
  });

  it('Ctrl-C while answering stops the stream, keeps the partial answer and prices it', async () => {
    const chat = stack();
    // The answer stops after its role chunk and two tokens, and waits: Ctrl-C comes then.
    chat.simulator.faults.enqueue({ kind: 'stall', ms: 60_000, afterChunks: 3 });
    const harness = new ChatHarness({ stack: chat });
    harness.send('one two three four five');
    await harness.until(/^> one two three four five\none two/m);
    harness.run.interrupt();
    await harness.until(/^stopped; the partial answer is kept$/m);
    harness.send('/model simulator:sim-lorem', 'go on');
    expect(await harness.finish()).toBe(0);
    const [first, second] = chat.simulator.log.filter('/v1/chat/completions');
    expect(first?.chunksSent).toBe(3);
    // Exactly what arrived, then the stop, then the cost layer's estimate for it (on the
    // ledger before the chat saw the abort, so the session total holds it too).
    const [entry] = chat.ledger.entries();
    expect(entry).toMatchObject({ estimated: true, usage: { outputTokens: 2 } });
    const cost = `~${formatUsd(entry?.cost.amount ?? Number.NaN)}`;
    expect(harness.text).toContain(
      [
        '> one two three four five',
        'one two',
        'stopped; the partial answer is kept',
        `simulator:gpt-4o-mini · ~${entry?.usage.inputTokens} in / ~2 out tokens (estimated) · ${cost} · session ${cost.slice(1)} of $5.00 budget`,
      ].join('\n'),
    );
    // What the user saw before the stop is what the model sees next.
    expect(requestedMessages(chat)[1]?.[1]).toEqual({ role: 'assistant', content: 'one two' });
    expect(second?.model).toBe('sim-lorem');
  });

  it('Ctrl-C when idle ends the chat without waiting for more input', async () => {
    const harness = new ChatHarness({ stack: stack() });
    harness.send('hello');
    await harness.until(/^simulator:gpt-4o-mini · /m);
    harness.run.interrupt();
    expect(await harness.run.finished).toBe(0);
  });

  it('/exit ends the chat and ignores the lines after it', async () => {
    const chat = stack();
    const { code } = await chatLines(chat, ['/exit', 'never sent']);
    expect(code).toBe(0);
    expect(chat.simulator.log.filter('/v1/chat/completions')).toHaveLength(0);
  });

  it('/models lists the registry and /cost the ledger per model against the budget', async () => {
    const { text } = await chatLines(stack(), [
      'priced',
      '/model simulator:sim-lorem',
      'write 3 words',
      '/models',
      '/cost',
    ]);
    expect(text).toMatch(/^simulator: (?=.*\bgpt-4o-mini\b)(?=.*\bsim-lorem\b)/m);
    expect(text).toMatch(/^model\s+calls\s+in\s+out\s+cost$/m);
    expect(text).toMatch(/^gpt-4o-mini\s+1\s+\d+\s+\d+\s+\$0\.0*[1-9]\d*$/m);
    expect(text).toMatch(/^sim-lorem\s+1\s+\d+\s+\d+\s+unpriced$/m);
  });

  it('/help lists the commands; an unknown one points to it', async () => {
    const { text } = await chatLines(stack(), ['/help', '/frobnicate']);
    for (const command of ['/model', '/models', '/system', '/reset', '/cost', '/help', '/exit']) {
      expect(text).toMatch(new RegExp(`^${command}\\b`, 'm'));
    }
    expect(text).toMatch(/^unknown command \/frobnicate; \/help lists them$/m);
  });

  it('sends "//text" as a message that starts with a slash', async () => {
    const chat = stack();
    await chatLines(chat, ['//etc/hosts is a file']);
    expect(requestedMessages(chat)[0]).toEqual([{ role: 'user', content: '/etc/hosts is a file' }]);
  });
});
