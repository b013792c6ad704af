import type { ToolDefinition } from '@ply/core';
import { describe, expect, it } from 'vitest';
import { renderResponseFormatSection, renderToolNamespace } from './tool-rendering.js';

const tool = (name: string, parameters: ToolDefinition['parameters'], description?: string) =>
  ({ type: 'function', name, parameters, ...(description ? { description } : {}) }) as const;

describe('renderToolNamespace', () => {
  it('renders descriptions as comments and arguments as a TypeScript object type', () => {
    const text = renderToolNamespace([
      tool(
        'get_current_weather',
        {
          type: 'object',
          properties: {
            location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
            unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          },
          required: ['location'],
        },
        'Get the current weather in a given location',
      ),
      tool('get_time', { type: 'object', properties: {} }),
    ]);
    expect(text).toBe(
      [
        'namespace functions {',
        '',
        '// Get the current weather in a given location',
        'type get_current_weather = (_: {',
        '// The city and state, e.g. San Francisco, CA',
        'location: string,',
        'unit?: "celsius" | "fahrenheit",',
        '}) => any;',
        '',
        'type get_time = () => any;',
        '',
        '} // namespace functions',
      ].join('\n'),
    );
  });

  it('comments every line of a multi-line description', () => {
    const text = renderToolNamespace([tool('f', { type: 'object' }, 'First.\n\nArgs:\n  x: a')]);
    expect(text).toContain('// First.\n// \n// Args:\n//   x: a\ntype f = () => any;');
  });

  it('renders unions, literals, arrays, nested objects and $refs', () => {
    const text = renderToolNamespace([
      tool('search', {
        type: 'object',
        $defs: {
          Filter: {
            type: 'object',
            properties: { field: { type: 'string', description: 'not shown when nested' } },
            required: ['field'],
          },
        },
        properties: {
          query: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          mode: { const: 'fast' },
          limit: { type: 'integer' },
          tags: { type: 'array', items: { type: ['string', 'number'] } },
          filters: { type: 'array', items: { $ref: '#/$defs/Filter' } },
          meta: { type: 'object', additionalProperties: true },
        },
        required: ['query', 'mode'],
      }),
    ]);
    expect(text).toContain(
      [
        'type search = (_: {',
        'query: string | null,',
        'mode: "fast",',
        'limit?: number,',
        'tags?: (string | number)[],',
        'filters?: {',
        '  field: string,',
        '}[],',
        'meta?: object,',
        '}) => any;',
      ].join('\n'),
    );
  });

  it('stops at self-references and broken references', () => {
    const text = renderToolNamespace([
      tool('tree', {
        type: 'object',
        $defs: {
          Node: {
            type: 'object',
            properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
          },
        },
        properties: {
          root: { $ref: '#/$defs/Node' },
          loop: { $ref: '#/properties/loop' },
          missing: { $ref: '#/$defs/Nope' },
        },
      }),
    ]);
    expect(text).toContain('loop?: any,');
    expect(text).toContain('missing?: any,');
    expect(text).toContain('children?: any[],');
  });
});

describe('renderResponseFormatSection', () => {
  it('renders the schema as compact JSON under its name, without title keywords', () => {
    const text = renderResponseFormatSection({
      type: 'json_schema',
      name: 'Book',
      schema: {
        title: 'Book',
        type: 'object',
        properties: {
          title: { title: 'Title', type: 'string' },
          authors: { type: 'array', items: { title: 'Author', type: 'string' } },
        },
        required: ['title'],
      },
    });
    expect(text).toBe(
      '# Response Formats\n\n## Book\n\n' +
        '{"type":"object","properties":{"title":{"type":"string"},"authors":{"type":"array","items":{"type":"string"}}},"required":["title"]}',
    );
  });

  it('adds no hidden text for text and json_object', () => {
    expect(renderResponseFormatSection({ type: 'text' })).toBeUndefined();
    expect(renderResponseFormatSection({ type: 'json_object' })).toBeUndefined();
  });
});
