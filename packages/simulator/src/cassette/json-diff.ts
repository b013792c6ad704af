const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const show = (value: unknown): string => {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/**
 * Where two JSON values differ, as `path: expected …, got …` lines (at most `limit`); none
 * when they are deep-equal. Key order does not count, array order does.
 */
export function jsonDifferences(expected: unknown, actual: unknown, limit = 5): string[] {
  const differences: string[] = [];
  const walk = (left: unknown, right: unknown, path: string): void => {
    if (differences.length >= limit) return;
    if (Array.isArray(left) && Array.isArray(right)) {
      for (let index = 0; index < Math.max(left.length, right.length); index++) {
        walk(left[index], right[index], `${path}[${index}]`);
      }
      return;
    }
    if (isObject(left) && isObject(right)) {
      for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
        walk(left[key], right[key], path === '' ? key : `${path}.${key}`);
      }
      return;
    }
    if (left !== right) {
      differences.push(`${path || '(body)'}: expected ${show(left)}, got ${show(right)}`);
    }
  };
  walk(expected, actual, '');
  return differences;
}
