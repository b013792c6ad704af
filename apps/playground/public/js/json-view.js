// Pretty JSON as DOM, with chosen paths highlighted: the inspector marks the fields a
// response carries that the OpenAI spec does not describe. Paths read like the server's:
// `choices[0].message.x`, and `[3].choices[0].delta.y` inside a stream's chunk array.
import { h } from './dom.js';

const INDENT = '  ';

function primitive(value) {
  if (typeof value === 'string') return h('span', { class: 's', text: JSON.stringify(value) });
  if (typeof value === 'number') return h('span', { class: 'n', text: String(value) });
  return h('span', { class: 'b', text: String(value) });
}

function write(out, value, path, depth, marked) {
  const pad = INDENT.repeat(depth + 1);
  const close = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return out.append('[]');
    out.append('[\n');
    value.forEach((item, index) => {
      const itemPath = `${path}[${index}]`;
      const target = marked.has(itemPath) ? mark(out, itemPath) : out;
      target.append(pad);
      write(target, item, itemPath, depth + 1, marked);
      out.append(index < value.length - 1 ? ',\n' : '\n');
    });
    return out.append(`${close}]`);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return out.append('{}');
    out.append('{\n');
    entries.forEach(([key, item], index) => {
      const itemPath = path === '' ? key : `${path}.${key}`;
      const target = marked.has(itemPath) ? mark(out, itemPath) : out;
      target.append(pad, h('span', { class: 'k', text: JSON.stringify(key) }), ': ');
      write(target, item, itemPath, depth + 1, marked);
      out.append(index < entries.length - 1 ? ',\n' : '\n');
    });
    return out.append(`${close}}`);
  }
  out.append(primitive(value));
}

function mark(out, path) {
  const node = h('mark', {
    class: 'unknown',
    title: `${path}: not in the OpenAI spec`,
    testid: 'unknown-field',
  });
  out.append(node);
  return node;
}

/** A `<pre>` showing `value`, each path in `marked` highlighted. */
export function jsonView(value, marked = [], testid = undefined) {
  const pre = h('pre', { class: 'json', testid });
  write(pre, value, '', 0, new Set(marked));
  return pre;
}
