// How the fake bot behaves: what it answers, how fast, how it ends, and how its SSE bytes look on the wire.
// A chat takes a snapshot of the behavior when it is created, so changing the behavior never alters a running chat.

import type { ChatStatus, ContentType, CozeError, FinalStatus, MessageType, RequiredAction, Usage } from './types';
import { isRecord } from './util';
import { isBotList, isWorkspaceList, type FakeBot, type FakeWorkspace } from './catalog';
import { MAX_UPLOAD_BYTES } from './files';
import { isWorkflowBehavior, type WorkflowBehavior } from './workflowBehavior';

export interface SseFormat {
  /** `data: {...}` instead of `data:{...}`. Official examples have no space, some docs do: clients must accept both. */
  spaceAfterColon: boolean;
  /** CRLF line endings instead of LF (both are legal SSE). */
  crlf: boolean;
  /** The `done` event's data: `"[DONE]"` (real streams), bare `[DONE]` (one doc sketch), or no done at all (Coze Studio). */
  done: 'quoted' | 'bare' | 'none';
}

/**
 * How the SSE output is cut into socket writes. 'event': one write per event. { bytes: n }: the whole output
 * re-split into n-byte writes, so boundaries fall inside lines and inside multi-byte UTF-8 characters (a trap,
 * docs/coze-api.md#utf-8-split-across-chunks). 'random': random write sizes (1..48 bytes) drawn from `seed`.
 */
export type Chunking = 'event' | { bytes: number } | 'random';

/** A non-answer message the bot emits too (function_call, tool_output, knowledge…), to exercise filtering by type. */
export interface ExtraMessage {
  type: MessageType;
  content: string;
  content_type?: ContentType;
  role?: 'assistant' | 'tool';
}

/**
 * Which server the fake plays: Coze's cloud (api.coze.cn/.com) or self-hosted Coze Studio, whose wire differs
 * (docs/coze-api.md#coze-studio): SSE bytes and end, envelopes (`Messages`, `ChatV3ChatDetail`), status
 * spellings, error statuses and codes, the X-Log-ID header, and `stream` defaulting to true.
 */
export type Dialect = 'cloud' | 'studio';

export interface FakeBehavior {
  /** Default 'cloud'. */
  dialect: Dialect;
  /**
   * Studio only: play Studio before v0.5.1, which answers every /v3/chat with SSE whatever `stream` says and has
   * no retrieve or message/list (they answer 404).
   */
  streamsAlways: boolean;
  /**
   * How a status is spelled on the wire (Chat objects of every reply). Studio's defaults: canceled →
   * `conversation.chat.cancelled` (what its cancel stores), requires_action → `required_action`; e.g.
   * `{ canceled: 'cancelled' }` plays the other spelling Studio's constants have.
   */
  statusAs?: Partial<Record<ChatStatus, string>>;
  /** Fixed answers for every question. Absent: a Markdown answer generated from the question (quotes it). */
  answers?: string[];
  /** Exact question text → answers. Wins over `answers`. */
  answerFor: Record<string, string[]>;
  /** Follow-up suggestions. Absent: 3 generated ones. [] = none. */
  followUps?: string[];
  /** Deep-thinking text: streamed as reasoning_content before the content, and set on the first answer message. */
  reasoning?: string;
  /** Extra completed messages (function_call, tool_output, knowledge…) before the answers. */
  extraMessages: ExtraMessage[];
  /** With several answers, alternate their deltas (different message ids) instead of one after another. */
  interleave: boolean;
  /** Non-stream chats: ms from creation to the final status. Also used to finish a stream whose client left. */
  completeAfterMs: number;
  /** Delta fragment size, in Unicode code points. */
  deltaSize: number;
  /** Pause before each conversation.message.delta event. */
  deltaIntervalMs: number;
  finalStatus: FinalStatus;
  /** last_error of failed chats. */
  lastError: CozeError;
  /** required_action of requires_action chats. Absent: a get_weather tool call. */
  requiredAction?: RequiredAction;
  /** Delay before the response headers of every API call (not the control API). */
  latencyMs: number;
  sse: SseFormat;
  chunking: Chunking;
  /** Seed of the 'random' chunking. */
  seed: number;
  /** bot_ids that answer 4015 (not published to the API channel). */
  unpublishedBotIds: string[];
  /** Tokens that authenticate but answer 4101 (no permission). */
  forbiddenTokens: string[];
  /** Tokens that used to work and have expired (a PAT lives 1–30 days): 4100 with HTTP 401, like invalid ones. */
  expiredTokens: string[];
  /** Overrides of the computed usage. */
  usage?: Partial<Usage>;
  /** GET /v1/workspaces lists these (all pages). Absent: the seed in catalog.ts (two workspaces). */
  workspaces?: FakeWorkspace[];
  /** `total_count` GET /v1/workspaces claims, instead of the real count (a wrong total must not loop a client). */
  workspacesTotal?: number;
  /** GET /v1/bots and /v1/bots/:id know these. Absent: the seed in catalog.ts (23 API bots in the personal workspace). */
  bots?: FakeBot[];
  /** GET /v1/bots answers this code (HTTP 200), as for a token without the listBot permission: 4101. */
  botListDenied?: number;
  /** POST /v1/files/upload refuses larger files (4000). Default 512 MB, Coze's limit. */
  maxUploadBytes: number;
  /** POST /v1/files/upload stops reading the body this long after its first chunk (a slow uplink). Default 0. */
  uploadStallMs: number;
  /** Workflow runs (/v1/workflow/*): see workflowBehavior.ts. Absent: the scripted defaults. */
  workflow?: WorkflowBehavior;
}

/**
 * A patch merged into the current behavior: keys absent are kept, `null` puts a key back to its default (JSON has
 * no undefined, and the control API takes the same patches). `sse` is merged key by key; the rest replace.
 */
export type BehaviorPatch = {
  [K in keyof FakeBehavior]?: (K extends 'sse' ? Partial<SseFormat> : FakeBehavior[K]) | null;
};

export function defaultBehavior(): FakeBehavior {
  return {
    dialect: 'cloud',
    streamsAlways: false,
    answerFor: {},
    extraMessages: [],
    interleave: false,
    completeAfterMs: 1500,
    deltaSize: 8,
    deltaIntervalMs: 20,
    finalStatus: 'completed',
    lastError: { code: 5000, msg: 'event interval error' },
    latencyMs: 0,
    sse: { spaceAfterColon: false, crlf: false, done: 'quoted' },
    chunking: 'event',
    seed: 1,
    unpublishedBotIds: [],
    forbiddenTokens: [],
    expiredTokens: [],
    maxUploadBytes: MAX_UPLOAD_BYTES,
    uploadStallMs: 0,
  };
}

type Check = (v: unknown) => boolean;
const isNum: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isStrArr: Check = (v) => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isErr: Check = (v) => isRecord(v) && typeof v.code === 'number' && typeof v.msg === 'string';
const FINAL: readonly string[] = ['completed', 'failed', 'requires_action', 'canceled'];
const DONE: readonly string[] = ['quoted', 'bare', 'none'];

const CHECKS: Record<keyof FakeBehavior, Check> = {
  dialect: (v) => v === 'cloud' || v === 'studio',
  streamsAlways: (v) => typeof v === 'boolean',
  statusAs: (v) => isRecord(v) && Object.values(v).every((x) => typeof x === 'string' && x !== ''),
  answers: isStrArr,
  answerFor: (v) => isRecord(v) && Object.values(v).every(isStrArr),
  followUps: isStrArr,
  reasoning: (v) => typeof v === 'string',
  extraMessages: (v) => Array.isArray(v) && v.every((m) => isRecord(m) && typeof m.type === 'string' && typeof m.content === 'string'),
  interleave: (v) => typeof v === 'boolean',
  completeAfterMs: isNum,
  deltaSize: (v) => isNum(v) && (v as number) >= 1,
  deltaIntervalMs: isNum,
  finalStatus: (v) => typeof v === 'string' && FINAL.includes(v),
  lastError: isErr,
  requiredAction: (v) => isRecord(v) && v.type === 'submit_tool_outputs',
  latencyMs: isNum,
  sse: (v) =>
    isRecord(v) &&
    Object.entries(v).every(([k, x]) =>
      k === 'done' ? typeof x === 'string' && DONE.includes(x) : (k === 'spaceAfterColon' || k === 'crlf') && typeof x === 'boolean',
    ),
  chunking: (v) => v === 'event' || v === 'random' || (isRecord(v) && isNum(v.bytes) && (v.bytes as number) >= 1),
  seed: (v) => typeof v === 'number' && Number.isInteger(v),
  unpublishedBotIds: isStrArr,
  forbiddenTokens: isStrArr,
  expiredTokens: isStrArr,
  usage: (v) => isRecord(v) && Object.values(v).every(isNum),
  workspaces: isWorkspaceList,
  workspacesTotal: isNum,
  bots: isBotList,
  botListDenied: (v) => typeof v === 'number' && Number.isInteger(v) && v !== 0,
  maxUploadBytes: isNum,
  uploadStallMs: isNum,
  workflow: isWorkflowBehavior,
};

/** Checks a patch (from tests or the control API). Returns an error message, or undefined when fine. */
export function validateBehaviorPatch(patch: unknown): string | undefined {
  if (!isRecord(patch)) return 'behavior patch must be a JSON object';
  for (const [key, value] of Object.entries(patch)) {
    if (!Object.prototype.hasOwnProperty.call(CHECKS, key)) return `unknown behavior key "${key}"`;
    if (value === null) continue;
    if (!CHECKS[key as keyof FakeBehavior](value)) return `invalid value for behavior key "${key}"`;
  }
  return undefined;
}

/** Returns a new behavior: `current` with `patch` merged in (patch assumed valid). */
export function mergeBehavior(current: FakeBehavior, patch: BehaviorPatch): FakeBehavior {
  const next: FakeBehavior = { ...current, sse: { ...current.sse } };
  const defaults = defaultBehavior();
  const target = next as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      target[key] = structuredClone((defaults as unknown as Record<string, unknown>)[key]);
    } else if (key === 'sse') {
      next.sse = { ...next.sse, ...(value as Partial<SseFormat>) };
    } else {
      target[key] = structuredClone(value);
    }
  }
  for (const key of Object.keys(target)) if (target[key] === undefined) delete target[key];
  return next;
}
