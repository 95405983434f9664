// What both flows (poll and stream) share: the request that starts a chat, what is known about the chat so
// far, progress reports, and the errors for the final statuses that are not "completed".

import { AnswerBuilder } from './answerBuilder';
import { CozeError, shortMsg } from './errors';
import type { AskProgress, ChatStatus, CozeAnswer, CozeAttachment, CozeUsage } from './types';
import type { RunningChats } from './runningChats';
import type { AskScope } from './timing';
import { isRecord } from './decode';
import type { ApiRequest, Transport } from './transport';

export interface FlowContext {
  transport: Transport;
  scope: AskScope;
  state: ChatState;
  question: string;
  botId: string;
  userId: string;
  /** The conversation to continue, if any. */
  conversationId: string | undefined;
  pollIntervalMs: number;
  onProgress: ((p: AskProgress) => void) | undefined;
  /** The client's chats that may still run, by conversation (for 4016). */
  running: RunningChats;
  ifConversationBusy: 'wait' | 'cancel';
  /** POST /v3/chat/cancel; 4104 (already final) resolves. */
  cancelChat: (conversationId: string, chatId: string, signal: AbortSignal) => Promise<void>;
  /** Tells the client's owner (CozeClientOptions.onNotice) something about the server, at most once per `key`. */
  notice: (key: string, message: string) => void;
  /** Files sent with the question (an object_string message); empty: a text message. */
  attachments: readonly CozeAttachment[];
  /** Talk to this chatflow (POST /v1/workflows/chat) instead of the bot. */
  chatflow?: ChatflowTarget;
}

/** A chatflow question: `botId` / `appId` only when the caller named them (docs/coze-api.md#chatflows). */
export interface ChatflowTarget {
  workflowId: string;
  botId?: string;
  appId?: string;
  parameters?: Record<string, unknown>;
}

/** Every one of these ends the wait (coze-js polls forever on `canceled`, coze-go stops only on `completed`). */
const FINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'requires_action', 'canceled']);
const STATUSES: ReadonlySet<string> = new Set(['created', 'in_progress', ...FINAL]);

/**
 * Coze Studio's spellings of final statuses (docs/coze-api.md#chat-statuses): its cancel stores the event name
 * `conversation.chat.cancelled`; its constants spell `cancelled` and `required_action` and add `expired` and
 * `deleted`. Each ends the wait as the cloud status it stands for.
 */
const STATUS_ALIASES: ReadonlyMap<string, ChatStatus> = new Map([
  ['cancelled', 'canceled'],
  ['conversation.chat.cancelled', 'canceled'],
  ['conversation.chat.canceled', 'canceled'],
  ['required_action', 'requires_action'],
  ['deleted', 'canceled'],
  ['expired', 'failed'],
]);

/** A status as Coze or Coze Studio writes it, in the client's (cloud) spelling; undefined when unknown. */
export function normalizeStatus(status: unknown): ChatStatus | undefined {
  if (typeof status !== 'string') return undefined;
  if (STATUSES.has(status)) return status as ChatStatus;
  return STATUS_ALIASES.get(status);
}

export function isFinal(status: ChatStatus | undefined): boolean {
  return status !== undefined && FINAL.has(status);
}

export class ChatState {
  conversationId: string | undefined;
  chatId: string | undefined;
  status: ChatStatus | undefined;
  usage: CozeUsage | undefined;
  lastError: { code: number; msg: string } | undefined;
  readonly answers = new AnswerBuilder();
  /** Called once, when both the chat id and Coze's conversation id are known. */
  onChatKnown: ((conversationId: string, chatId: string) => void) | undefined;
  private announced = false;

  constructor(requestedConversationId: string | undefined) {
    this.conversationId = requestedConversationId;
  }

  /** Takes ids, status, usage and last_error from a Chat object. Coze's conversation id is authoritative. */
  noteChat(chat: unknown): void {
    if (!isRecord(chat)) return;
    this.noteIds(chat.conversation_id, chat.id);
    const status = normalizeStatus(chat.status);
    if (status) this.status = status;
    const usage = toUsage(chat.usage);
    if (usage) this.usage = usage;
    const le = chat.last_error;
    if (isRecord(le) && typeof le.code === 'number' && le.code !== 0) {
      this.lastError = { code: le.code, msg: typeof le.msg === 'string' ? le.msg : '' };
    }
  }

  /** Sets the ids that are strings (a chat id only once; Coze's conversation id wins over the requested one). */
  noteIds(conversationId: unknown, chatId: unknown, opts: { onlyMissing?: boolean } = {}): void {
    if (typeof chatId === 'string' && chatId && !(opts.onlyMissing && this.chatId)) this.chatId = chatId;
    if (typeof conversationId === 'string' && conversationId && !(opts.onlyMissing && this.conversationId)) this.conversationId = conversationId;
    if (!this.announced && this.chatId && this.conversationId) {
      this.announced = true;
      try {
        this.onChatKnown?.(this.conversationId, this.chatId);
      } catch {
        // bookkeeping only
      }
    }
  }

  /** True when the chat exists on Coze and may still be running: worth a POST /v3/chat/cancel. */
  get mayBeRunning(): boolean {
    return this.chatId !== undefined && this.conversationId !== undefined && !isFinal(this.status);
  }

  answer(): CozeAnswer {
    const a: CozeAnswer = {
      text: this.answers.text,
      reasoning: this.answers.reasoning,
      answers: this.answers.answers,
      followUps: [...this.answers.followUps],
      conversationId: this.conversationId ?? '',
      chatId: this.chatId ?? '',
    };
    if (this.usage) a.usage = this.usage;
    return a;
  }

  /** The facts an error should carry. */
  context(): { partialText: string; conversationId?: string; chatId?: string } {
    const c: { partialText: string; conversationId?: string; chatId?: string } = { partialText: this.answers.text };
    if (this.conversationId) c.conversationId = this.conversationId;
    if (this.chatId) c.chatId = this.chatId;
    return c;
  }
}

/**
 * POST /v3/chat. conversation_id goes in the QUERY string: Coze ignores it in the body (docs/coze-api.md#starting-a-chat).
 * A chatflow is POST /v1/workflows/chat instead, see chatflowRequest.
 */
export function startChatRequest(ctx: FlowContext, stream: boolean): ApiRequest {
  if (ctx.chatflow) return chatflowRequest(ctx, ctx.chatflow);
  return {
    method: 'POST',
    path: '/v3/chat',
    query: { conversation_id: ctx.conversationId },
    // An error before streaming still comes as JSON (docs/coze-api.md#json-error-instead-of-sse): accept both.
    accept: stream ? 'text/event-stream, application/json' : 'application/json',
    body: {
      bot_id: ctx.botId, // a string: a JSON number gets 4000 (and loses precision beyond 2^53)
      user_id: ctx.userId,
      stream,
      auto_save_history: true, // must be true when stream is false (else 4007)
      additional_messages: [userMessage(ctx)],
    },
  };
}

/**
 * POST /v1/workflows/chat (docs/coze-api.md#chatflows): stream only (no `stream` field), no user_id, and —
 * unlike /v3/chat — conversation_id in the BODY (coze-js, cozepy and Coze Studio's request struct all put it
 * there). bot_id / app_id only when the caller named them: a chatflow of an app must not get a bot id.
 */
function chatflowRequest(ctx: FlowContext, flow: ChatflowTarget): ApiRequest {
  const body: Record<string, unknown> = { workflow_id: flow.workflowId, additional_messages: [userMessage(ctx)] };
  if (flow.parameters !== undefined) body.parameters = flow.parameters;
  if (flow.appId !== undefined) body.app_id = flow.appId;
  if (flow.botId !== undefined) body.bot_id = flow.botId;
  if (ctx.conversationId !== undefined) body.conversation_id = ctx.conversationId;
  return { method: 'POST', path: '/v1/workflows/chat', accept: 'text/event-stream, application/json', body };
}

/**
 * The question as one user message: text, or — with attachments — `object_string`, whose content is a JSON
 * STRING of the items, the text first (docs/coze-api.md#files-and-attachments).
 */
function userMessage(ctx: FlowContext): Record<string, string> {
  if (ctx.attachments.length === 0) return { role: 'user', type: 'question', content: ctx.question, content_type: 'text' };
  const items = [{ type: 'text', text: ctx.question }, ...ctx.attachments.map((a) => ({ type: a.type, file_id: a.fileId }))];
  return { role: 'user', type: 'question', content_type: 'object_string', content: JSON.stringify(items) };
}

export function reportProgress(ctx: FlowContext): void {
  const cb = ctx.onProgress;
  if (!cb) return;
  const s = ctx.state;
  const p: AskProgress = { status: s.status ?? 'created', elapsedMs: ctx.scope.elapsedMs(), text: s.answers.text, reasoning: s.answers.reasoning };
  if (s.conversationId) p.conversationId = s.conversationId;
  if (s.chatId) p.chatId = s.chatId;
  try {
    cb(p);
  } catch {
    // A throwing progress callback must not break the question.
  }
}

/** The error for a final status other than `completed`. */
export function finalStatusError(state: ChatState, logId?: string): CozeError {
  const ctx = { ...state.context(), ...(logId ? { logId } : {}) };
  switch (state.status) {
    case 'failed': {
      const le = state.lastError;
      const detail = le ? ` (code ${le.code}${le.msg ? `: ${shortMsg(le.msg)}` : ''})` : '';
      return new CozeError('chat-failed', `The Coze bot failed to answer${detail}.`, {
        ...ctx,
        ...(le ? { code: le.code, lastError: le } : {}),
        retryable: true,
      });
    }
    case 'requires_action':
      return new CozeError(
        'requires-action',
        'The Coze bot is waiting for tool outputs (requires_action), which this client does not provide.',
        ctx,
      );
    case 'canceled':
      return new CozeError('canceled', 'The chat was canceled on the Coze side.', ctx);
    default:
      return new CozeError('protocol', `Coze ended the chat with an unexpected status ${String(state.status)}.`, ctx);
  }
}

function toUsage(u: unknown): CozeUsage | undefined {
  if (!isRecord(u)) return undefined;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { tokenCount: n(u.token_count), outputCount: n(u.output_count), inputCount: n(u.input_count) };
}
