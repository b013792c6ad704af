import { describe, expect, it } from 'vitest';
import { ExperimentInputError } from './experiment-input-error.js';
import { planExperiments } from './plan-experiments.js';

const providers = ['simulator', 'openai'];
const plan = (experiments: string, prompt = 'Tell me about {{topic}}.', system?: string) =>
  planExperiments({
    prompt,
    experiments,
    providers,
    ...(system === undefined ? {} : { system }),
  });
const messages = (result: ReturnType<typeof plan>) =>
  result.problems.map((problem) => problem.message);

describe('planExperiments', () => {
  it('builds each row request: variables, parameters and the system message', () => {
    const result = plan(
      [
        'Provider,Model,topic,Temperature,top_p,max_tokens,seed,reasoning_effort,service_tier,system',
        'simulator,gpt-4o-mini,cats,0.7,0.9,120,-3,,,',
        'openai, gpt-4o ,dogs,,,,,HIGH,Flex,Answer about {{topic}} only.',
      ].join('\n'),
      'Tell me about {{topic}}.',
      'You are terse.',
    );
    expect(result.problems).toEqual([]);
    expect(result.columns).toEqual([
      'topic',
      'Temperature',
      'top_p',
      'max_tokens',
      'seed',
      'reasoning_effort',
      'service_tier',
      'system',
    ]);
    const [first, second] = result.experiments;
    expect(first).toMatchObject({
      row: 1,
      target: 'simulator:gpt-4o-mini',
      cells: { topic: 'cats', Temperature: '0.7' },
      request: {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Tell me about cats.' },
        ],
        temperature: 0.7,
        topP: 0.9,
        maxOutputTokens: 120,
        seed: -3,
      },
    });
    expect(second).toMatchObject({
      row: 2,
      provider: 'openai',
      model: 'gpt-4o',
      request: {
        messages: [
          { role: 'system', content: 'Answer about dogs only.' },
          { role: 'user', content: 'Tell me about dogs.' },
        ],
        reasoningEffort: 'high',
        serviceTier: 'flex',
      },
    });
    expect(second?.request).not.toHaveProperty('temperature');
  });

  it('names row and column for every bad value, collecting them all', () => {
    const result = plan(
      [
        'provider,model,topic,temperature,top_p,max_output_tokens,seed,reasoning_effort,service_tier',
        'simulator,gpt-4o-mini,cats,3,,,,,',
        'simulator,gpt-4o-mini,cats,,abc,0,1.5,extreme,gold',
        'simulator,gpt-4o-mini,cats,0x1,,,,,',
      ].join('\n'),
    );
    expect(result.experiments).toEqual([]);
    expect(messages(result)).toEqual([
      'row 1, column "temperature": must be a number from 0 to 2, got "3"',
      'row 2, column "top_p": must be a number from 0 to 1, got "abc"',
      'row 2, column "max_output_tokens": must be a whole number of at least 1, got "0"',
      'row 2, column "seed": must be a whole number, got "1.5"',
      'row 2, column "reasoning_effort": must be one of none, minimal, low, medium, high, xhigh; got "extreme"',
      'row 2, column "service_tier": must be one of auto, default, flex, priority, scale; got "gold"',
      'row 3, column "temperature": must be a number from 0 to 2, got "0x1"',
    ]);
    expect(result.problems.every((problem) => ExperimentInputError.isInstance(problem))).toBe(true);
    expect(result.problems[0]).toMatchObject({
      row: 1,
      column: 'temperature',
      field: 'temperature',
    });
  });

  it('refuses unknown providers, empty cells, unfilled variables and ragged rows', () => {
    const result = plan(
      [
        'provider,model,topic',
        'anthropic,claude,cats',
        'simulator,,cats',
        'simulator,gpt-4o-mini,',
        'simulator,gpt-4o-mini',
        'simulator,gpt-4o-mini,"ok"',
      ].join('\r\n'),
    );
    expect(messages(result)).toEqual([
      'row 1, column "provider": "anthropic" is not a registered provider (registered: simulator, openai)',
      'row 2, column "model": is empty',
      'row 3, column "topic": is empty, but the prompt uses {{topic}}',
      'row 4: has 2 fields but the header has 3 (line 5)',
    ]);
    expect(result.rowCount).toBe(5);
    expect(result.experiments.map((experiment) => experiment.row)).toEqual([5]);
  });

  it('checks the header: required, duplicate, clashing and missing columns', () => {
    const result = plan(
      'model,topic,Topic ,output,max_tokens,max_output_tokens,topic\nx,y,z,o,1,1,t\n',
      'On {{topic}} and {{angle}}',
    );
    expect(messages(result)).toEqual([
      'column "output": is a results column name; rename it so results do not clash',
      'column "topic": appears twice in the header',
      'the header has no "provider" column',
      'column "max_tokens": and "max_output_tokens" set the same limit; keep one of them',
      'the prompt uses {{angle}}, but no column is named "angle"',
    ]);
    expect(result.experiments).toEqual([]);
  });

  it('reports CSV syntax and empty files as problems, not crashes', () => {
    expect(messages(plan('provider,model,topic\nsimulator,x,"open\n'))).toEqual([
      'line 2: a quoted field is never closed',
    ]);
    expect(messages(plan('\uFEFF'))).toEqual([
      'the experiments file is empty: it needs a header row',
    ]);
  });

  it('warns about columns the prompt does not use', () => {
    const result = plan('provider,model,topic,notes\nsimulator,gpt-4o-mini,cats,internal\n');
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual(['column "notes" is not used by the prompt']);
  });
});
