import { describe, expect, it } from 'vitest';
import { ExperimentInputError } from './experiment-input-error.js';
import { missingVariables, parseTemplate, renderTemplate } from './prompt-template.js';

describe('prompt templates', () => {
  it('lists each variable once, in order, spaces inside the braces allowed', () => {
    const template = parseTemplate(
      '{{ tone }} text on {{topic}}; again {{topic}} by {{first name}}',
    );
    expect(template.variables).toEqual(['tone', 'topic', 'first name']);
  });

  it('fills variables verbatim, without treating values as templates', () => {
    const template = parseTemplate('About {{ topic }}: {{detail}}');
    expect(
      renderTemplate(template, { topic: 'a $& {{detail}}', detail: '"quoted"\nnext' }, { row: 1 }),
    ).toBe('About a $& {{detail}}: "quoted"\nnext');
  });

  it('leaves {{ }} and single braces alone', () => {
    const template = parseTemplate('JSON like {"a": 1} and {{ }} stay; {{x}} goes');
    expect(template.variables).toEqual(['x']);
    expect(renderTemplate(template, { x: 'X' }, { row: 1 })).toBe(
      'JSON like {"a": 1} and {{ }} stay; X goes',
    );
  });

  it('refuses a variable the row lacks, naming the row and the variable', () => {
    const template = parseTemplate('{{topic}} in {{style}}');
    let error: unknown;
    try {
      renderTemplate(template, { topic: 'cats', style: '' }, { row: 7 });
    } catch (caught) {
      error = caught;
    }
    expect(ExperimentInputError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ row: 7, column: 'style', code: 'invalid_request' });
    expect((error as Error).message).toBe(
      'row 7, column "style": the prompt uses {{style}}, which this row leaves empty',
    );
  });

  it('does not find values on the prototype', () => {
    const template = parseTemplate('{{constructor}} {{toString}}');
    expect(missingVariables(template, {})).toEqual(['constructor', 'toString']);
  });
});
