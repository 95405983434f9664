// The messages between the extension and its webviews: one typed definition both sides import, and one
// validator the extension runs on everything a webview sends (a webview renders untrusted bot output, so
// its messages are treated as untrusted input too).

/** What the answer panel shows. Sent whole on every update; the webview renders only what changed. */
export interface AnswerViewState {
  question: string;
  /** The answer so far, Markdown. */
  text: string;
  phase: 'waiting' | 'streaming' | 'done' | 'failed' | 'canceled';
  /** Localized status line while waiting ("in_progress · 3 s"). */
  statusText?: string;
  error?: { message: string; code?: number; logId?: string };
  followUps: string[];
  usage?: { tokenCount: number; outputCount: number; inputCount: number };
  botId: string;
  /** The Coze conversation this answer belongs to, so that follow-ups continue it. */
  conversationId?: string;
  elapsedMs?: number;
}

/** Localized strings the webview needs; the host translates them (webviews have no vscode.l10n). */
export interface AnswerViewStrings {
  question: string;
  waiting: string;
  copyAnswer: string;
  copyCode: string;
  copied: string;
  retry: string;
  followUps: string;
  stopped: string;
  failed: string;
  tokens: string;
  bot: string;
  code: string;
  logId: string;
  showMore: string;
  showLess: string;
  continueInChat: string;
}

export type HostToAnswerView = { type: 'state'; state: AnswerViewState };

export type AnswerViewToHost =
  | { type: 'ready' }
  | { type: 'openLink'; href: string }
  | { type: 'copy'; text: string }
  | { type: 'askFollowUp'; question: string }
  | { type: 'retry' }
  | { type: 'continueInChat' };

/** Upper bound on any string a webview may send; a copied answer can be large, but not unbounded. */
export const MAX_WEBVIEW_STRING = 5_000_000;
const MAX_LINK = 8_192;
const MAX_QUESTION = 100_000;

function isString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

/** Returns the message when it is well formed, otherwise undefined (and the caller drops it). */
export function parseAnswerViewMessage(raw: unknown): AnswerViewToHost | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const msg = raw as Record<string, unknown>;
  const keys = Object.keys(msg);
  const only = (...allowed: string[]) => keys.every((k) => allowed.includes(k));
  switch (msg.type) {
    case 'ready':
    case 'retry':
    case 'continueInChat':
      return only('type') ? { type: msg.type } : undefined;
    case 'openLink':
      return only('type', 'href') && isString(msg.href, MAX_LINK) ? { type: 'openLink', href: msg.href } : undefined;
    case 'copy':
      return only('type', 'text') && isString(msg.text, MAX_WEBVIEW_STRING) ? { type: 'copy', text: msg.text } : undefined;
    case 'askFollowUp':
      return only('type', 'question') && isString(msg.question, MAX_QUESTION) && msg.question.trim() !== ''
        ? { type: 'askFollowUp', question: msg.question }
        : undefined;
    default:
      return undefined;
  }
}

/** Links in bot output open only through VS Code, and only for these schemes. */
export function isAllowedExternalLink(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The chat view (src/chat/chatView.ts ⇄ src/webview/chat.ts)
// ---------------------------------------------------------------------------------------------------------

/** How a chat turn stands. 'interrupted': VS Code went away while it was being answered. */
export type ChatTurnStatus = 'waiting' | 'streaming' | 'done' | 'stopped' | 'failed' | 'interrupted';

/** Fixes a failed turn can offer (Retry is always offered separately). */
export type ChatFixAction = 'setKey' | 'switchRegion' | 'openSettings' | 'openProxySettings' | 'openLog';

export interface ChatTurnView {
  id: string;
  question: string;
  /** The answer so far, Markdown (untrusted bot output). */
  answer: string;
  status: ChatTurnStatus;
  /** Localized status while waiting ("Thinking · 3 s"). */
  statusText?: string;
  followUps: string[];
  botId: string;
  botName?: string;
  usage?: { tokenCount: number; outputCount: number; inputCount: number };
  elapsedMs?: number;
  error?: { message: string; code?: number; logId?: string; actions: Array<{ action: ChatFixAction; label: string }> };
}

export interface ChatSummaryView {
  id: string;
  title: string;
  /** Epoch ms of the last change. */
  updatedAt: number;
  botId: string;
  botName?: string;
  turns: number;
}

export interface ChatBotView {
  id: string;
  name: string;
}

/** Everything the chat view shows; sent whole on structural changes, streamed text goes by 'progress'. */
export interface ChatViewState {
  /** Local id of the open conversation. */
  conversationId: string;
  title: string;
  botId: string;
  turns: ChatTurnView[];
  /** A turn of the open conversation is being answered (the composer shows Stop). */
  busy: boolean;
  bots: ChatBotView[];
  history: ChatSummaryView[];
  /** Older turns were dropped from the saved copy by the size cap. */
  trimmedTurns: number;
}

/** Localized strings of the chat view (the host translates them; webviews have no vscode.l10n). */
export interface ChatViewStrings {
  inputPlaceholder: string;
  inputLabel: string;
  send: string;
  stop: string;
  retry: string;
  copyAnswer: string;
  copyCode: string;
  insertCode: string;
  copied: string;
  inserted: string;
  you: string;
  bot: string;
  botLabel: string;
  tokens: string;
  seconds: string;
  waiting: string;
  answering: string;
  answered: string;
  stopped: string;
  interrupted: string;
  failed: string;
  followUps: string;
  newChat: string;
  history: string;
  historyEmpty: string;
  backToChat: string;
  rename: string;
  renameLabel: string;
  delete: string;
  save: string;
  cancel: string;
  emptyTitle: string;
  emptyHint: string;
  trimmed: string;
  turns: string;
  untitled: string;
  code: string;
  logId: string;
}

export type HostToChatView =
  | { type: 'state'; state: ChatViewState }
  /** Streamed text of a turn: `append` goes after the first `offset` characters the view already has. */
  | { type: 'progress'; turnId: string; offset: number; append: string; status: ChatTurnStatus; statusText?: string }
  /** Puts text into the input (Ask Coze in Chat), after any draft, and focuses it. */
  | { type: 'insertInput'; text: string }
  | { type: 'focusInput' }
  | { type: 'showHistory'; show: boolean };

export type ChatViewToHost =
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  | { type: 'retry'; turnId: string }
  | { type: 'newChat' }
  | { type: 'openConversation'; id: string }
  | { type: 'renameConversation'; id: string; title: string }
  | { type: 'deleteConversation'; id: string }
  | { type: 'selectBot'; botId: string }
  | { type: 'fixAction'; action: ChatFixAction }
  | { type: 'copy'; text: string }
  | { type: 'insertCode'; code: string }
  | { type: 'openLink'; href: string };

/** Local ids of conversations and turns: they name files, so nothing but these characters. */
const CHAT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BOT_ID = /^\d{1,32}$/;
export const MAX_CHAT_TITLE = 200;
const CHAT_FIX_ACTIONS: readonly string[] = ['setKey', 'switchRegion', 'openSettings', 'openProxySettings', 'openLog'];

function isChatId(value: unknown): value is string {
  return typeof value === 'string' && CHAT_ID.test(value);
}

/** Validates a message from the chat webview; undefined for anything malformed (unknown type, extra keys…). */
export function parseChatViewMessage(raw: unknown): ChatViewToHost | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const msg = raw as Record<string, unknown>;
  const keys = Object.keys(msg);
  const only = (...allowed: string[]) => keys.every((k) => k === 'type' || allowed.includes(k));
  const has = (...required: string[]) => required.every((k) => Object.hasOwn(msg, k)) && only(...required);
  if (!Object.hasOwn(msg, 'type')) return undefined;
  switch (msg.type) {
    case 'ready':
    case 'stop':
    case 'newChat':
      return has() ? { type: msg.type } : undefined;
    case 'send':
      return has('text') && isString(msg.text, MAX_QUESTION) && msg.text.trim() !== '' ? { type: 'send', text: msg.text } : undefined;
    case 'retry':
      return has('turnId') && isChatId(msg.turnId) ? { type: 'retry', turnId: msg.turnId } : undefined;
    case 'openConversation':
    case 'deleteConversation':
      return has('id') && isChatId(msg.id) ? { type: msg.type, id: msg.id } : undefined;
    case 'renameConversation':
      return has('id', 'title') && isChatId(msg.id) && isString(msg.title, MAX_CHAT_TITLE) && msg.title.trim() !== ''
        ? { type: 'renameConversation', id: msg.id, title: msg.title }
        : undefined;
    case 'selectBot':
      return has('botId') && typeof msg.botId === 'string' && BOT_ID.test(msg.botId) ? { type: 'selectBot', botId: msg.botId } : undefined;
    case 'fixAction':
      return has('action') && typeof msg.action === 'string' && CHAT_FIX_ACTIONS.includes(msg.action)
        ? { type: 'fixAction', action: msg.action as ChatFixAction }
        : undefined;
    case 'copy':
      return has('text') && isString(msg.text, MAX_WEBVIEW_STRING) ? { type: 'copy', text: msg.text } : undefined;
    case 'insertCode':
      return has('code') && isString(msg.code, MAX_WEBVIEW_STRING) ? { type: 'insertCode', code: msg.code } : undefined;
    case 'openLink':
      return has('href') && isString(msg.href, MAX_LINK) ? { type: 'openLink', href: msg.href } : undefined;
    default:
      return undefined;
  }
}
