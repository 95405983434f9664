import * as v from 'valibot';
import { COZE_ID_PATTERN } from '../ids';
import { lenientObject, optionalField } from '../protocol';

// What Coze: Run Workflow reads and checks before anything is sent: the askCoze.workflows setting, the
// command's argument, and the parameters the user typed (a JSON object), including how the editor's selection
// fills them in. Pure (no vscode import), so that the unit tests check it in plain Node
// (test/unit/workflowModel.test.ts).

const MAX_WORKFLOWS = 50;
const MAX_WORKFLOW_NAME = 60;
/** Parameters as typed: as long as a question may be (a selection can fill them). */
export const MAX_PARAMETERS_CHARS = 100_000;
/** Remembered parameters longer than this are not kept (they are a selection, not a setting). */
const MAX_REMEMBERED_CHARS = 20_000;
const MAX_REMEMBERED_WORKFLOWS = 50;
/** The start node's variable a new Coze workflow has: the selection goes there unless another one fits. */
export const DEFAULT_PARAMETER = 'input';

const IdSchema = v.pipe(v.string(), v.trim(), v.regex(COZE_ID_PATTERN));

/** One entry of askCoze.workflows, as typed in settings.json. */
export const WorkflowEntrySchema = lenientObject({
  id: IdSchema,
  name: v.pipe(
    v.string(),
    v.transform((name) => name.replace(/\s+/g, ' ').trim().slice(0, MAX_WORKFLOW_NAME)),
    v.nonEmpty(),
  ),
  /** A workflow that uses a bot's resources (its knowledge, variables) runs with that bot. */
  botId: optionalField(IdSchema),
  /** A workflow of an app runs with that app. */
  appId: optionalField(IdSchema),
});
export type WorkflowEntry = v.InferOutput<typeof WorkflowEntrySchema>;

/**
 * Entries of askCoze.workflows: a malformed one is skipped and reported in `problems`, a repeated id is
 * skipped silently, and at most MAX_WORKFLOWS are taken (the picker has to stay usable).
 */
export function parseWorkflows(raw: unknown, problems: string[] = []): WorkflowEntry[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('askCoze.workflows must be a list of { "name": "...", "id": "..." }');
    return [];
  }
  const workflows: WorkflowEntry[] = [];
  for (const entry of raw) {
    const result = v.safeParse(WorkflowEntrySchema, entry);
    if (!result.success) {
      const shown = JSON.stringify(entry) ?? String(entry);
      problems.push(`askCoze.workflows: skipped ${shown.slice(0, 120)} (needs a "name" and a numeric "id" string)`);
      continue;
    }
    if (workflows.some((w) => w.id === result.output.id)) continue;
    workflows.push(result.output);
    if (workflows.length === MAX_WORKFLOWS) break;
  }
  return workflows;
}

/** A pasted workflow id, trimmed; undefined when it is not one. */
export function workflowIdOf(text: string): string | undefined {
  const id = text.trim();
  return COZE_ID_PATTERN.test(id) ? id : undefined;
}

/** `askCoze.runWorkflow`'s argument: `{ workflowId }` skips the picker (a keybinding's "args"). */
export function parseRunWorkflowArgs(arg: unknown): { workflowId?: string } {
  const result = v.safeParse(lenientObject({ workflowId: optionalField(IdSchema) }), arg);
  return result.success ? result.output : {};
}

export type ParametersCheck =
  | { ok: true; parameters: Record<string, unknown> }
  | { ok: false; problem: 'json'; detail: string }
  | { ok: false; problem: 'not-object' }
  | { ok: false; problem: 'too-long' };

/** The parameters as typed: a JSON object (nothing typed: no parameters). */
export function checkParameters(text: string): ParametersCheck {
  if (text.length > MAX_PARAMETERS_CHARS) return { ok: false, problem: 'too-long' };
  if (!text.trim()) return { ok: true, parameters: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: 'json', detail: err instanceof Error ? err.message : String(err) };
  }
  if (!isPlainObject(value)) return { ok: false, problem: 'not-object' };
  return { ok: true, parameters: value };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the parameters box starts with, and what is selected in it. */
export interface ParametersPrefill {
  value: string;
  /** [start, end) in `value`: where the cursor goes. */
  selection?: [number, number];
}

/**
 * The parameters box's first value. Without a selection: what was sent to this workflow last time, else
 * `{"input": ""}` with the cursor between the quotes. With a selection, it fills one string parameter of
 * those remembered: `input` when there is one (Coze's start node has it by default); else the only string
 * parameter, whatever its name; else it is added as `input`. The other parameters stay as remembered.
 */
export function prefillParameters(remembered: string | undefined, selection: string | undefined): ParametersPrefill {
  const before = remembered !== undefined ? checkParameters(remembered) : undefined;
  if (selection === undefined || selection === '') {
    if (remembered !== undefined && before?.ok) return { value: remembered };
    const value = `{"${DEFAULT_PARAMETER}": ""}`;
    return { value, selection: [value.length - 2, value.length - 2] };
  }
  const parameters = before?.ok ? { ...before.parameters } : {};
  const strings = Object.keys(parameters).filter((k) => typeof parameters[k] === 'string');
  const key = DEFAULT_PARAMETER in parameters || strings.length !== 1 ? DEFAULT_PARAMETER : strings[0]!;
  parameters[key] = selection;
  return { value: JSON.stringify(parameters) };
}

/**
 * Parameters last sent, per workflow id, most recent last (kept in globalState). A list, not an object: an
 * object would order short numeric ids by value rather than by when they were used.
 */
export type RememberedParameters = Array<{ id: string; text: string }>;

/** The remembered parameters read back: only well-formed entries. */
export function readRemembered(raw: unknown): RememberedParameters {
  if (!Array.isArray(raw)) return [];
  return raw.filter((e): e is { id: string; text: string } => isPlainObject(e) && typeof e.id === 'string' && COZE_ID_PATTERN.test(e.id) && typeof e.text === 'string');
}

/** What was sent to `workflowId` last. */
export function rememberedFor(remembered: RememberedParameters, workflowId: string): string | undefined {
  return remembered.find((e) => e.id === workflowId)?.text;
}

/**
 * `text` as the parameters to offer next time for `workflowId`; a long text is not kept (and forgets what
 * was), and only the MAX_REMEMBERED_WORKFLOWS most recent workflows are.
 */
export function remember(previous: RememberedParameters, workflowId: string, text: string): RememberedParameters {
  const rest = previous.filter((e) => e.id !== workflowId);
  if (text.length <= MAX_REMEMBERED_CHARS) rest.push({ id: workflowId, text });
  return rest.slice(-MAX_REMEMBERED_WORKFLOWS);
}
