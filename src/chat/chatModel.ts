import type { ChatFixAction, ChatSummaryView, ChatTurnStatus } from '../protocol';

// What a chat conversation is, as kept in memory and on disk. Pure (no vscode import): the store and the unit
// tests use it in plain Node. Files are data from disk (they may be old, hand-edited or half-written), so
// parseConversation() takes only well-formed fields.

export const CONVERSATION_VERSION = 1;

export interface StoredTurn {
  id: string;
  question: string;
  /** Markdown, as the bot wrote it. */
  answer: string;
  status: ChatTurnStatus;
  followUps: string[];
  botId: string;
  botName?: string;
  usage?: { tokenCount: number; outputCount: number; inputCount: number };
  startedAt: number;
  elapsedMs?: number;
  chatId?: string;
  /** Localized when it happened; `actions` are the fixes offered. */
  error?: { message: string; code?: number; logId?: string; actions: ChatFixAction[] };
}

export interface StoredConversation {
  version: number;
  /** Local id (names the file). */
  id: string;
  title: string;
  /** The user renamed it: new questions do not change the title. */
  titleEdited?: boolean;
  botId: string;
  botName?: string;
  /** Coze's conversation_id: every turn after the first continues it, so the bot remembers. */
  cozeConversationId?: string;
  createdAt: number;
  updatedAt: number;
  turns: StoredTurn[];
  /** Older turns dropped from the saved copy by the size cap (Coze still remembers them). */
  trimmedTurns: number;
}

/** What the history list shows of a conversation: exactly what the chat view receives. */
export type ConversationSummary = ChatSummaryView;

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const TITLE_CHARS = 80;
const MAX_FOLLOW_UPS = 10;
const STATUSES: readonly ChatTurnStatus[] = ['waiting', 'streaming', 'done', 'stopped', 'failed', 'interrupted'];
const FIX_ACTIONS: readonly ChatFixAction[] = ['setKey', 'switchRegion', 'openSettings', 'openProxySettings', 'openLog'];

/** The title a conversation gets from its first question: one line, quoted code left out when there is more. */
export function titleFromQuestion(question: string, fallback: string): string {
  // "Ask Coze in Chat" puts the code first; the question under it names the conversation better.
  const withoutCode = question.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, ' ').replace(/^`[^`\n]+:\d+(-\d+)?`\s*$/gm, ' ');
  const source = withoutCode.trim() ? withoutCode : question;
  const line = source.replace(/\s+/g, ' ').trim();
  if (!line) return fallback;
  const points = Array.from(line);
  return points.length > TITLE_CHARS ? `${points.slice(0, TITLE_CHARS).join('').trimEnd()}…` : line;
}

export function summarize(c: StoredConversation): ConversationSummary {
  return { id: c.id, title: c.title, updatedAt: c.updatedAt, botId: c.botId, botName: c.botName, turns: c.turns.length + c.trimmedTurns };
}

/** A turn still being answered when VS Code went away is 'interrupted' once read back. */
export function isUnfinished(status: ChatTurnStatus): boolean {
  return status === 'waiting' || status === 'streaming';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function parseTurn(raw: unknown): StoredTurn | undefined {
  if (!isObject(raw)) return undefined;
  const id = str(raw.id);
  const question = str(raw.question);
  const answer = str(raw.answer);
  const status = STATUSES.find((s) => s === raw.status);
  if (!id || !ID_PATTERN.test(id) || question === undefined || answer === undefined || !status) return undefined;
  const turn: StoredTurn = {
    id,
    question,
    answer,
    status: isUnfinished(status) ? 'interrupted' : status,
    followUps: Array.isArray(raw.followUps) ? raw.followUps.filter((f): f is string => typeof f === 'string').slice(0, MAX_FOLLOW_UPS) : [],
    botId: str(raw.botId) ?? '',
    startedAt: num(raw.startedAt) ?? 0,
  };
  const botName = str(raw.botName);
  if (botName) turn.botName = botName;
  const elapsedMs = num(raw.elapsedMs);
  if (elapsedMs !== undefined) turn.elapsedMs = elapsedMs;
  const chatId = str(raw.chatId);
  if (chatId) turn.chatId = chatId;
  if (isObject(raw.usage)) {
    const u = raw.usage;
    const tokenCount = num(u.tokenCount);
    if (tokenCount !== undefined) turn.usage = { tokenCount, outputCount: num(u.outputCount) ?? 0, inputCount: num(u.inputCount) ?? 0 };
  }
  if (isObject(raw.error) && typeof raw.error.message === 'string') {
    const e = raw.error;
    turn.error = {
      message: e.message as string,
      actions: Array.isArray(e.actions) ? e.actions.filter((a): a is ChatFixAction => FIX_ACTIONS.includes(a as ChatFixAction)) : [],
    };
    const code = num(e.code);
    if (code !== undefined) turn.error.code = code;
    const logId = str(e.logId);
    if (logId) turn.error.logId = logId;
  }
  return turn;
}

/** A conversation read from disk, or undefined when it is not one (the caller sets such a file aside). */
export function parseConversation(raw: unknown): StoredConversation | undefined {
  if (!isObject(raw)) return undefined;
  const id = str(raw.id);
  const title = str(raw.title);
  if (!id || !ID_PATTERN.test(id) || title === undefined || !Array.isArray(raw.turns)) return undefined;
  const version = num(raw.version) ?? 0;
  if (version > CONVERSATION_VERSION) return undefined; // written by a newer version: leave it alone
  const turns = raw.turns.map(parseTurn).filter((t): t is StoredTurn => t !== undefined);
  const conversation: StoredConversation = {
    version: CONVERSATION_VERSION,
    id,
    title,
    botId: str(raw.botId) ?? '',
    createdAt: num(raw.createdAt) ?? 0,
    updatedAt: num(raw.updatedAt) ?? 0,
    turns,
    trimmedTurns: num(raw.trimmedTurns) ?? 0,
  };
  if (raw.titleEdited === true) conversation.titleEdited = true;
  const botName = str(raw.botName);
  if (botName) conversation.botName = botName;
  const cozeConversationId = str(raw.cozeConversationId);
  if (cozeConversationId) conversation.cozeConversationId = cozeConversationId;
  return conversation;
}
