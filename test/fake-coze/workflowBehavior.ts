// How the fake's workflows behave (POST /v1/workflow/stream_run, stream_resume, run): the behavior key `workflow`.
// Apart from behavior.ts so that workflows.ts and behavior.ts share it without importing each other.

import { isRecord } from './util';

/** A workflow that stops once at a Question node; resumed with the right event_id it streams the rest. */
export const INTERRUPT_WORKFLOW_ID = '7400000000000000001';
/** A workflow whose run fails: one Message, then an `Error` event (behavior `workflow.error`, default below). */
export const ERROR_WORKFLOW_ID = '7400000000000000002';
/** A workflow that was never published: JSON 4200 before any stream. */
export const UNPUBLISHED_WORKFLOW_ID = '7400000000000000003';

/** The Error event of ERROR_WORKFLOW_ID unless `workflow.error` says otherwise (coze-py's recorded Error event). */
export const DEFAULT_WORKFLOW_ERROR = { code: 4000, msg: 'Request parameter error' };
export const DEFAULT_QUESTION = 'Which city, and which day?';

/**
 * Every key optional; a patch of `workflow` replaces the whole object (like every behavior key but `sse`), and
 * `null` puts it back to the defaults.
 */
export interface WorkflowBehavior {
  /** The Message events of a run, in order. Absent: node "LLM" echoes the parameters in two pieces, then node "End". */
  messages?: Array<{ nodeTitle: string; content: string }>;
  /** Every workflow (not only INTERRUPT_WORKFLOW_ID) stops at the Question node first. */
  interrupt?: boolean;
  /** What the Question node asks. */
  question?: string;
  /** Every run (not only ERROR_WORKFLOW_ID) fails with this Error event after its first Message. */
  error?: { code: number; msg: string };
  /** More ids that answer 4200 (not published), as JSON. */
  unpublishedIds?: string[];
  /** Pause before each event. Default 0. */
  eventIntervalMs?: number;
  /** End the stream without `Done` (a stream that stops early, cleanly). */
  omitDone?: boolean;
}

const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function isWorkflowBehavior(v: unknown): boolean {
  if (!isRecord(v)) return false;
  const known = ['messages', 'interrupt', 'question', 'error', 'unpublishedIds', 'eventIntervalMs', 'omitDone'];
  if (!Object.keys(v).every((k) => known.includes(k))) return false;
  if (v.messages !== undefined && !(Array.isArray(v.messages) && v.messages.every((m) => isRecord(m) && typeof m.nodeTitle === 'string' && typeof m.content === 'string'))) {
    return false;
  }
  if (v.interrupt !== undefined && typeof v.interrupt !== 'boolean') return false;
  if (v.question !== undefined && typeof v.question !== 'string') return false;
  if (v.error !== undefined && !(isRecord(v.error) && typeof v.error.code === 'number' && typeof v.error.msg === 'string')) return false;
  if (v.unpublishedIds !== undefined && !(Array.isArray(v.unpublishedIds) && v.unpublishedIds.every((s) => typeof s === 'string'))) return false;
  if (v.eventIntervalMs !== undefined && !isNum(v.eventIntervalMs)) return false;
  if (v.omitDone !== undefined && typeof v.omitDone !== 'boolean') return false;
  return true;
}

/** The workflow endpoints that answer with SSE (and that the stream-only faults match). */
export function isWorkflowStream(endpoint: string): boolean {
  return endpoint === 'workflowStream' || endpoint === 'workflowResume';
}
