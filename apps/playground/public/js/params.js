// The parameters panel: reads the form into the parts of a ply ChatRequest. Problems in
// the JSON editors are reported against their field before anything is sent.
import { byId } from './dom.js';

const EXAMPLE_TOOLS = [
  {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city'],
      additionalProperties: false,
    },
  },
];

const EXAMPLE_SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    country: { type: 'string' },
    population: { type: 'integer', minimum: 0 },
    landmarks: { type: 'array', items: { type: 'string' } },
  },
  required: ['city', 'country', 'population', 'landmarks'],
  additionalProperties: false,
};

const NUMBERS = [
  ['p-temperature', 'temperature'],
  ['p-top-p', 'topP'],
  ['p-max-output', 'maxOutputTokens'],
  ['p-seed', 'seed'],
];

function parseJson(text, field, problems) {
  try {
    return JSON.parse(text);
  } catch (error) {
    problems.push({ field, message: `${field}: not valid JSON (${error.message})` });
    return undefined;
  }
}

/**
 * Everything but the conversation: `{ target, stream, fields, instructions, problems }`.
 * `fields` are ChatRequest fields; `instructions` is the system/developer message or null.
 */
export function readParams() {
  const problems = [];
  const fields = {};
  for (const [id, name] of NUMBERS) {
    const raw = byId(id).value.trim();
    if (raw === '') continue;
    const value = Number(raw);
    if (Number.isFinite(value)) fields[name] = value;
    else problems.push({ field: name, message: `${name}: not a number` });
  }
  const effort = byId('p-reasoning').value;
  if (effort) fields.reasoningEffort = effort;
  const tier = byId('p-tier').value;
  if (tier) fields.serviceTier = tier;

  if (byId('tools-on').checked) {
    const tools = parseJson(byId('tools').value, 'tools', problems);
    if (tools !== undefined) {
      if (Array.isArray(tools)) {
        fields.tools = tools.map((tool) =>
          tool && typeof tool === 'object' && tool.type === undefined
            ? { type: 'function', ...tool }
            : tool,
        );
      } else problems.push({ field: 'tools', message: 'tools: must be a JSON array of functions' });
    }
    const choice = byId('tool-choice').value;
    if (choice) fields.toolChoice = choice;
  }
  if (byId('schema-on').checked) {
    const schema = parseJson(byId('schema').value, 'schema', problems);
    if (schema !== undefined) {
      fields.responseFormat = {
        type: 'json_schema',
        name: byId('schema-name').value.trim(),
        schema,
      };
    }
  }
  const system = byId('p-system').value.trim();
  return {
    target: byId('target').value.trim(),
    stream: byId('p-stream').checked,
    fields,
    instructions: system === '' ? null : { role: byId('p-system-role').value, content: system },
    problems,
  };
}

/** Shows the JSON editors' problems under them; true when there are none. */
export function showProblems(problems) {
  byId('tools-error').textContent = problems
    .filter((problem) => problem.field === 'tools')
    .map((problem) => problem.message)
    .join('\n');
  byId('schema-error').textContent = problems
    .filter((problem) => problem.field === 'schema')
    .map((problem) => problem.message)
    .join('\n');
  return problems.length === 0;
}

export function setupParams() {
  byId('tools').value = JSON.stringify(EXAMPLE_TOOLS, null, 2);
  byId('schema').value = JSON.stringify(EXAMPLE_SCHEMA, null, 2);
  byId('tools-example').addEventListener('click', () => {
    byId('tools').value = JSON.stringify(EXAMPLE_TOOLS, null, 2);
    byId('tools-on').checked = true;
    byId('target').value = 'simulator:sim-tools';
    byId('target').dispatchEvent(new Event('input', { bubbles: true }));
  });
  byId('schema-example').addEventListener('click', () => {
    byId('schema').value = JSON.stringify(EXAMPLE_SCHEMA, null, 2);
    byId('schema-name').value = 'city';
    byId('schema-on').checked = true;
    byId('target').value = 'simulator:sim-json';
    byId('target').dispatchEvent(new Event('input', { bubbles: true }));
  });
}
