// The one error type the client throws. Its message is written for the user; its fields carry the facts
// (code, logid, HTTP status) so the UI can offer the right action without parsing the message.

import type { CozeErrorKind, CozeErrorReason, CozeInvalidOption } from './types';

export interface CozeErrorInit {
  code?: number;
  logId?: string;
  httpStatus?: number;
  partialText?: string;
  conversationId?: string;
  chatId?: string;
  retryable?: boolean;
  lastError?: { code: number; msg: string };
  /** Coze's own `msg` for an api error (shortened, token-free), for UIs that write their own message. */
  cozeMessage?: string;
  attempts?: number;
  invalidOption?: CozeInvalidOption;
  reason?: CozeErrorReason;
}

export class CozeError extends Error {
  override readonly name = 'CozeError';
  readonly kind: CozeErrorKind;
  /** Coze's body `code` (or `last_error.code` for a failed chat). */
  code?: number;
  /** Coze's `x-tt-logid` header or `detail.logid`: support asks for it (docs/coze-api.md#responses-and-logid). */
  logId?: string;
  httpStatus?: number;
  /** Whatever answer text had arrived before the failure ('' when none). */
  partialText: string;
  conversationId?: string;
  chatId?: string;
  /** True when trying again later may help (busy, rate limited, network). */
  retryable?: boolean;
  /** The chat's `last_error` for kind 'chat-failed'. */
  lastError?: { code: number; msg: string };
  /** Coze's own `msg` for an api error (shortened, token-free), for UIs that write their own message. */
  cozeMessage?: string;
  /** HTTP attempts made for the request that failed, when more than one. */
  attempts?: number;
  /** For kind 'invalid-input': which option (or the question) is wrong. */
  invalidOption?: CozeInvalidOption;
  /** For kinds 'network' and 'timeout': the precise cause (proxy, TLS, which timeout…). */
  reason?: CozeErrorReason;

  constructor(kind: CozeErrorKind, message: string, init: CozeErrorInit = {}) {
    super(message);
    this.kind = kind;
    this.partialText = init.partialText ?? '';
    if (init.code !== undefined) this.code = init.code;
    if (init.logId !== undefined) this.logId = init.logId;
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
    if (init.conversationId !== undefined) this.conversationId = init.conversationId;
    if (init.chatId !== undefined) this.chatId = init.chatId;
    if (init.retryable !== undefined) this.retryable = init.retryable;
    if (init.lastError !== undefined) this.lastError = init.lastError;
    if (init.cozeMessage) this.cozeMessage = init.cozeMessage;
    if (init.attempts !== undefined) this.attempts = init.attempts;
    if (init.invalidOption !== undefined) this.invalidOption = init.invalidOption;
    if (init.reason !== undefined) this.reason = init.reason;
  }
}

/**
 * Duck-typed: the extension loads this folder as a separate bundle (dist/coze.js), so a CozeError made there
 * is not an instance of a CozeError class the caller might have bundled itself.
 */
export function isCozeError(e: unknown): e is CozeError {
  return (
    typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'CozeError' &&
    typeof (e as { kind?: unknown }).kind === 'string'
  );
}

/** Adds what the stream or poll knew at the time of the failure, without overwriting facts already set. */
export function withContext(
  err: CozeError,
  ctx: { partialText?: string; conversationId?: string; chatId?: string },
): CozeError {
  if (ctx.partialText && !err.partialText) err.partialText = ctx.partialText;
  if (ctx.conversationId && !err.conversationId) err.conversationId = ctx.conversationId;
  if (ctx.chatId && !err.chatId) err.chatId = ctx.chatId;
  return err;
}

/** Changes an error's message and keeps the first line of its stack in step with it. */
export function setMessage(err: Error, message: string): void {
  const old = err.message;
  err.message = message;
  if (typeof err.stack === 'string') {
    const head = `${err.name}: ${old}`;
    err.stack = err.stack.startsWith(head) ? `${err.name}: ${message}${err.stack.slice(head.length)}` : err.stack;
  }
}

/** What to tell the user for the codes that have a known remedy (docs/coze-api.md#error-codes). */
const HINTS: Record<number, string> = {
  4008: 'The bot has reached its daily limit; try again tomorrow.',
  4015: 'The bot is not published to the API channel: publish it as an API in the Coze console.',
  4016: 'The conversation is still busy with another question; wait for it to finish or start a new one.',
  // 4100/4101: a token works only in the region that issued it — the most common cause in the SDKs' trackers.
  4100: 'Check the API token, and that the region (coze.cn or coze.com) is the one that issued it.',
  4101: 'Check the token’s permissions, and that the region (coze.cn or coze.com) is the one that issued it.',
  700012006: 'The access token is invalid: enter the API token again.',
};

export function hintFor(code: number): string | undefined {
  return HINTS[code];
}

/** Coze's `msg`, trimmed to something a notification can show. */
export function shortMsg(msg: unknown): string {
  const s = typeof msg === 'string' ? msg.trim() : '';
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

export function apiErrorMessage(code: number, msg: string, logId: string | undefined): string {
  const parts = [`Coze error ${code}${msg ? `: ${msg}` : ''}`];
  if (logId) parts[0] += ` (logid ${logId})`;
  parts[0] += '.';
  const hint = hintFor(code);
  if (hint) parts.push(hint);
  return parts.join(' ');
}
