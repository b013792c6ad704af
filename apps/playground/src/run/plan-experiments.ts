import {
  type ChatMessage,
  type ChatRequest,
  InvalidRequestError,
  validateChatRequest,
} from '@ply/core';
import { CsvSyntaxError, parseCsv } from './csv-reader.js';
import { ExperimentInputError } from './experiment-input-error.js';
import { PARAMETER_COLUMNS, parseParameter, type RowParameters } from './experiment-parameters.js';
import {
  missingVariables,
  type PromptTemplate,
  parseTemplate,
  renderTemplate,
} from './prompt-template.js';
import { RESULT_COLUMN_NAMES } from './result-columns.js';

/** One row of the experiments file, ready to call. */
export interface Experiment {
  /** 1-based index among the file's data rows. */
  row: number;
  provider: string;
  model: string;
  /** `provider:model`, as the registry takes it. */
  target: string;
  /** The row's other cells (variables and parameters) by column, echoed into the results. */
  cells: Record<string, string>;
  request: ChatRequest;
}

export interface ExperimentPlan {
  /** The experiments file's columns other than provider and model, in file order. */
  columns: string[];
  /** Data rows in the file, valid or not. */
  rowCount: number;
  /** The rows that can run: all of them when `problems` is empty. */
  experiments: Experiment[];
  /** What must be fixed before a run, each naming its row and/or column. */
  problems: InvalidRequestError[];
  /** Allowed, but probably not meant. */
  warnings: string[];
}

export interface PlanExperimentsOptions {
  /** The prompt template, `{{column}}` placeholders filled per row. */
  prompt: string;
  /** The experiments CSV text. */
  experiments: string;
  /** System message template for rows without a `system` cell (`--system <file>`). */
  system?: string;
  /** Provider ids the registry knows. */
  providers: readonly string[];
}

/** Column roles; anything else is a template variable. */
const PROVIDER = 'provider';
const MODEL = 'model';
const SYSTEM = 'system';
const RESERVED = new Set([PROVIDER, MODEL, SYSTEM, ...PARAMETER_COLUMNS]);

interface Header {
  /** As written (trimmed): the name results echo and templates use. */
  names: string[];
  /** Lower-cased for the reserved columns, so `Model` or `Temperature` still work. */
  roles: string[];
}

/**
 * Reads the experiments file against the prompt and the registry, and builds each row's
 * request, without calling anything. Every problem is collected (not just the first), so
 * one `--validate` shows all that needs fixing.
 */
export function planExperiments(options: PlanExperimentsOptions): ExperimentPlan {
  const plan: ExperimentPlan = {
    columns: [],
    rowCount: 0,
    experiments: [],
    problems: [],
    warnings: [],
  };
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(options.experiments);
  } catch (error) {
    if (!CsvSyntaxError.isInstance(error)) throw error;
    plan.problems.push(error);
    return plan;
  }
  const [headerRecord, ...dataRecords] = records;
  if (headerRecord === undefined) {
    plan.problems.push(
      new ExperimentInputError({}, 'the experiments file is empty: it needs a header row'),
    );
    return plan;
  }
  const prompt = parseTemplate(options.prompt);
  const defaultSystem = options.system === undefined ? undefined : parseTemplate(options.system);
  const header = readHeader(headerRecord.fields, prompt, defaultSystem, plan);
  plan.rowCount = dataRecords.length;
  if (plan.problems.length > 0) return plan;

  for (const [index, record] of dataRecords.entries()) {
    const row = index + 1;
    if (record.fields.length !== header.names.length) {
      plan.problems.push(
        new ExperimentInputError(
          { row },
          `has ${record.fields.length} fields but the header has ${header.names.length} (line ${record.line})`,
        ),
      );
      continue;
    }
    const experiment = planRow(row, record.fields, header, prompt, defaultSystem, options, plan);
    if (experiment !== undefined) plan.experiments.push(experiment);
  }
  return plan;
}

function readHeader(
  fields: string[],
  prompt: PromptTemplate,
  defaultSystem: PromptTemplate | undefined,
  plan: ExperimentPlan,
): Header {
  const problem = (column: string | undefined, message: string) =>
    plan.problems.push(new ExperimentInputError(column === undefined ? {} : { column }, message));
  const names = fields.map((field) => field.trim());
  const roles = names.map((name) => {
    const lower = name.toLowerCase();
    return RESERVED.has(lower) ? lower : name;
  });
  const seen = new Set<string>();
  for (const [index, name] of names.entries()) {
    const role = roles[index] as string;
    if (name === '') problem(undefined, `the header's column ${index + 1} has no name`);
    else if (seen.has(role)) problem(name, 'appears twice in the header');
    else if (RESULT_COLUMN_NAMES.has(role)) {
      problem(name, 'is a results column name; rename it so results do not clash');
    }
    seen.add(role);
  }
  for (const required of [PROVIDER, MODEL]) {
    if (!seen.has(required)) problem(undefined, `the header has no "${required}" column`);
  }
  if (seen.has('max_tokens') && seen.has('max_output_tokens')) {
    problem('max_tokens', 'and "max_output_tokens" set the same limit; keep one of them');
  }
  const variables = new Set([...prompt.variables, ...(defaultSystem?.variables ?? [])]);
  for (const variable of variables) {
    if (!names.includes(variable)) {
      problem(undefined, `the prompt uses {{${variable}}}, but no column is named "${variable}"`);
    }
  }
  for (const [index, name] of names.entries()) {
    if (name !== '' && !RESERVED.has(roles[index] as string) && !variables.has(name)) {
      plan.warnings.push(`column "${name}" is not used by the prompt`);
    }
  }
  plan.columns = names.filter((_, index) => roles[index] !== PROVIDER && roles[index] !== MODEL);
  return { names, roles };
}

function planRow(
  row: number,
  fields: string[],
  header: Header,
  prompt: PromptTemplate,
  defaultSystem: PromptTemplate | undefined,
  options: PlanExperimentsOptions,
  plan: ExperimentPlan,
): Experiment | undefined {
  const problemsBefore = plan.problems.length;
  const problem = (column: string | undefined, message: string) =>
    plan.problems.push(new ExperimentInputError({ row, ...(column ? { column } : {}) }, message));

  // Values by name as written (what templates use); cells by role (what the runner uses).
  const values: Record<string, string> = {};
  const cells: Record<string, string> = {};
  let provider = '';
  let model = '';
  let systemCell = '';
  let parameters: Partial<RowParameters> = {};
  for (const [index, name] of header.names.entries()) {
    const cell = fields[index] ?? '';
    const role = header.roles[index] as string;
    values[name] = cell;
    if (role === PROVIDER) provider = cell.trim();
    else if (role === MODEL) model = cell.trim();
    else {
      cells[name] = cell;
      if (role === SYSTEM) systemCell = cell;
      else if (PARAMETER_COLUMNS.includes(role)) {
        try {
          parameters = { ...parameters, ...parseParameter(role, cell, row) };
        } catch (error) {
          if (!ExperimentInputError.isInstance(error)) throw error;
          plan.problems.push(error);
        }
      }
    }
  }

  if (provider === '') problem(PROVIDER, 'is empty');
  else if (!options.providers.includes(provider)) {
    problem(
      PROVIDER,
      `"${provider}" is not a registered provider (registered: ${options.providers.join(', ')})`,
    );
  }
  if (model === '') problem(MODEL, 'is empty');

  const system = systemCell.trim() !== '' ? parseTemplate(systemCell) : defaultSystem;
  const unfilled = new Set<string>();
  const templates = [['prompt', prompt] as const, ['system message', system] as const];
  for (const [label, template] of templates) {
    for (const variable of template === undefined ? [] : missingVariables(template, values)) {
      if (unfilled.has(variable)) continue;
      unfilled.add(variable);
      if (header.names.includes(variable)) {
        problem(variable, `is empty, but the ${label} uses {{${variable}}}`);
      } else {
        problem(
          undefined,
          `the ${label} uses {{${variable}}}, but no column is named "${variable}"`,
        );
      }
    }
  }
  if (plan.problems.length > problemsBefore) return undefined;

  const messages: ChatMessage[] = [];
  if (system !== undefined)
    messages.push({ role: 'system', content: renderTemplate(system, values, { row }) });
  messages.push({ role: 'user', content: renderTemplate(prompt, values, { row }) });
  const request: ChatRequest = { model, messages, ...parameters };
  try {
    // The core checks too, so nothing reaches the network that a call would refuse.
    validateChatRequest(request);
  } catch (error) {
    if (!InvalidRequestError.isInstance(error)) throw error;
    problem(undefined, error.message);
    return undefined;
  }
  return { row, provider, model, target: `${provider}:${model}`, cells, request };
}
