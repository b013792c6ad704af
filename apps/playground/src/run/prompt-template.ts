import { ExperimentInputError } from './experiment-input-error.js';

/** `{{name}}`, spaces allowed inside the braces; names are column headers, so may hold spaces. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** A prompt with `{{name}}` placeholders, filled from an experiment row's columns. */
export interface PromptTemplate {
  text: string;
  /** Every placeholder name, once each, in order of first use. */
  variables: string[];
}

export function parseTemplate(text: string): PromptTemplate {
  const variables = new Set<string>();
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = (match[1] ?? '').trim();
    // `{{ }}` names nothing: it stays literal text rather than failing every row.
    if (name !== '') variables.add(name);
  }
  return { text, variables: [...variables] };
}

/** The template's variables that `values` has no non-empty value for. */
export function missingVariables(
  template: PromptTemplate,
  values: Readonly<Record<string, string | undefined>>,
): string[] {
  return template.variables.filter((name) => (own(values, name) ?? '') === '');
}

/** Own properties only: a column named `constructor` must not find Object's. */
function own(values: Readonly<Record<string, string | undefined>>, name: string) {
  return Object.hasOwn(values, name) ? values[name] : undefined;
}

/**
 * The template with every placeholder replaced by its value, verbatim (values are not
 * templates themselves). A variable without a value is an `ExperimentInputError` naming the
 * row and the variable: an empty cell sent as an empty string would quietly skew results.
 */
export function renderTemplate(
  template: PromptTemplate,
  values: Readonly<Record<string, string | undefined>>,
  where: { row: number },
): string {
  const [missing] = missingVariables(template, values);
  if (missing !== undefined) {
    throw new ExperimentInputError(
      { row: where.row, column: missing },
      `the prompt uses {{${missing}}}, which this row leaves empty`,
    );
  }
  return template.text.replace(PLACEHOLDER, (whole, inner: string) => {
    const name = inner.trim();
    return name === '' ? whole : (own(values, name) as string);
  });
}
