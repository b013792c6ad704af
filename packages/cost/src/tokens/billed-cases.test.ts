// Against the prompt_tokens OpenAI billed for 75 real requests
// (shared/reference/tokens/cases.jsonl): text exactly, tools and schemas within a bound.
import { describe, expect, it } from 'vitest';
import { createTokenEstimator } from './chat-tokens.js';
import { loadTokenCases, type TokenCase, toCoreRequest } from './openai-cases.test-support.js';

const cases = loadTokenCases();
const estimator = createTokenEstimator();

function estimate(testCase: TokenCase) {
  return estimator.estimateChatTokens(toCoreRequest(testCase.request), { model: testCase.model });
}

function summary(errors: number[]): string {
  const sorted = [...errors].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  return `n=${sorted.length} min=${sorted[0]} median=${median} max=${sorted.at(-1)}`;
}

describe('text and name cases', () => {
  const textCases = cases.filter((c) => c.kind === 'text' || c.kind === 'name');

  it('holds the 54 text and name cases the file documents', () => {
    expect(textCases).toHaveLength(54);
  });

  it('matches the billed prompt_tokens exactly wherever the framing rule holds', () => {
    const agreeing = textCases.filter((c) => c.framing_check === c.prompt_tokens);
    const mismatches = agreeing
      .map((c) => ({ id: c.id, billed: c.prompt_tokens, counted: estimate(c) }))
      .filter(({ billed, counted }) => counted.tokens !== billed || !counted.exact);
    console.log(
      `text/name cases: ${agreeing.length - mismatches.length} of ${agreeing.length} exact, ` +
        `${mismatches.length} mismatches`,
    );
    expect(agreeing).toHaveLength(53);
    expect(mismatches).toEqual([]);
  });

  it('gives the framing-rule count where the API billed differently (text-o3-mini-07)', () => {
    const odd = textCases.filter((c) => c.framing_check !== c.prompt_tokens);
    expect(odd.map((c) => c.id)).toEqual(['text-o3-mini-07']);
    for (const c of odd) expect(estimate(c).tokens).toBe(c.framing_check);
  });

  it('breaks the count down into messages and framing that add up', () => {
    for (const c of textCases) {
      const counted = estimate(c);
      const { messages, tools, responseFormat, images, framing } = counted.breakdown;
      expect(messages).toHaveLength(toCoreRequest(c.request).messages.length);
      const sum = messages.reduce((total, m) => total + m.tokens, 0);
      expect(tools + responseFormat + images).toBe(0);
      expect(sum + framing).toBe(counted.tokens);
    }
  });
});

describe('tools and response_format cases', () => {
  const estimated = cases
    .filter((c) => c.kind === 'tools' || c.kind === 'response_format')
    .map((c) => {
      const counted = estimate(c);
      return { c, counted, error: counted.tokens - c.prompt_tokens };
    });
  const gpt4oFamily = estimated.filter(({ c }) => /^(gpt-4o|gpt-4\.1)/.test(c.model));
  const gpt5Family = estimated.filter(({ c }) => /^gpt-5/.test(c.model));
  const legacy = estimated.filter(({ c }) => /^gpt-(3\.5|4($|-))/.test(c.model));

  it('prints the error distribution (estimate - billed)', () => {
    for (const { c, counted, error } of estimated) {
      console.log(
        `${c.id.padEnd(24)} billed ${String(c.prompt_tokens).padStart(4)}  estimate ${String(counted.tokens).padStart(4)}  error ${error >= 0 ? '+' : ''}${error}`,
      );
    }
    console.log(`all tools/response_format: ${summary(estimated.map((e) => e.error))}`);
    console.log(`gpt-4o/gpt-4.1 family:     ${summary(gpt4oFamily.map((e) => e.error))}`);
    console.log(`gpt-5 family:              ${summary(gpt5Family.map((e) => e.error))}`);
    console.log(`gpt-3.5-turbo / gpt-4:     ${summary(legacy.map((e) => e.error))}`);
    expect(estimated).toHaveLength(21);
  });

  it('marks every such count as an estimate', () => {
    for (const { counted } of estimated) expect(counted.exact).toBe(false);
  });

  // The constants in chat-rules.ts were fitted to these same 21 cases: the bound says how
  // well the rendering explains them, not how it does on requests it has not seen.
  const beyond = (group: typeof estimated, bound: number) =>
    group.filter(({ error }) => Math.abs(error) > bound).map(({ c, error }) => `${c.id} ${error}`);

  it('keeps the gpt-4o and gpt-4.1 family within 3 tokens of the bill', () => {
    expect(gpt4oFamily).toHaveLength(11);
    expect(beyond(gpt4oFamily, 3)).toEqual([]);
  });

  it('keeps the gpt-5 family, hidden tool preamble included, within 3 tokens', () => {
    expect(gpt5Family).toHaveLength(3);
    expect(beyond(gpt5Family, 3)).toEqual([]);
  });

  it('keeps gpt-3.5-turbo and gpt-4, legacy functions included, within 3 tokens', () => {
    expect(legacy).toHaveLength(7);
    expect(beyond(legacy, 3)).toEqual([]);
  });

  it('puts the hidden text in tools and responseFormat, not in the messages', () => {
    for (const { c, counted } of estimated) {
      const { tools, responseFormat } = counted.breakdown;
      if (Array.isArray(c.request.tools) || Array.isArray(c.request.functions)) {
        expect(tools).toBeGreaterThan(0);
      }
      const format = c.request.response_format as { type?: string } | undefined;
      if (format?.type === 'json_schema') expect(responseFormat).toBeGreaterThan(0);
    }
  });
});
