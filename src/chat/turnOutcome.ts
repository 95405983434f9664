import type { AskResult, AskUpdate } from '../ask/askPipeline';
import { CHAT_FIX_ACTIONS, type ChatFixAction, type FixAction } from '../ask/fixActionList';
import { needsNewKey as actionsNeedNewKey } from '../ask/keyFailure';
import { boundReasoning } from '../protocol';
import type { StoredConversation, StoredTurn } from './chatModel';

// How a chat turn changes as its question runs and ends. Plain functions over the stored conversation, no
// vscode: unit-tested in plain Node (test/unit/turnOutcome.test.ts). Localized words come in as arguments.

/** Streamed text or a status change of a running turn (the caller drops updates of a stopped one). */
export function applyUpdate(conversation: StoredConversation, turn: StoredTurn, update: AskUpdate): void {
  if (update.conversationId) conversation.cozeConversationId = update.conversationId;
  turn.answer = update.text;
  turn.status = update.text ? 'streaming' : 'waiting';
  keepReasoning(turn, update.reasoning, update.reasoningMs);
}

/** The reasoning goes with the turn, apart from its answer, bounded as the history keeps it. */
function keepReasoning(turn: StoredTurn, reasoning: string, reasoningMs: number | undefined): void {
  if (reasoning) turn.reasoning = boundReasoning(reasoning);
  if (reasoningMs !== undefined) turn.reasoningMs = reasoningMs;
}

export interface OutcomeWords {
  /** Added to a 4002 failure: Coze forgot the conversation, the next question starts a new one. */
  conversationForgotten: string;
}

/**
 * The end of a turn's question. A turn the user stopped stays as they saw it (marked stopped, whatever text
 * arrived after); a failure keeps every character that arrived and stores the fixes that can help.
 */
export function applyResult(
  conversation: StoredConversation,
  turn: StoredTurn,
  result: AskResult,
  stopped: boolean,
  now: number,
  words: OutcomeWords,
): void {
  if (result.status === 'answered') {
    conversation.cozeConversationId = result.answer.conversationId;
    turn.chatId = result.answer.chatId;
    if (stopped) return; // stopped just as it completed: keep it as the user saw it
    turn.answer = result.answer.text;
    turn.status = 'done';
    turn.followUps = result.answer.followUps;
    keepReasoning(turn, result.answer.reasoning, undefined);
    if (result.answer.usage) turn.usage = result.answer.usage;
    turn.elapsedMs = now - turn.startedAt;
    return;
  }
  if (result.conversationId) conversation.cozeConversationId = result.conversationId;
  if (result.chatId) turn.chatId = result.chatId;
  if (result.partialText.length > turn.answer.length) turn.answer = result.partialText;
  if (result.status === 'canceled' || stopped) {
    turn.status = 'stopped';
    turn.elapsedMs ??= now - turn.startedAt;
    return;
  }
  const { error } = result;
  let message = error.message;
  if (error.code === 4002 && conversation.cozeConversationId) {
    // Coze no longer knows the conversation (deleted or expired there): without this, every later question
    // in this chat would fail the same way. The next one starts a new Coze conversation.
    delete conversation.cozeConversationId;
    message = `${message} ${words.conversationForgotten}`;
  }
  failTurn(turn, message, error.actions, now, error.code, error.logId);
  // Nothing went out (no key, settings that cannot work): a time would only say "0.0 s".
  if (result.kind === 'not-ready') delete turn.elapsedMs;
}

export function failTurn(turn: StoredTurn, message: string, actions: readonly FixAction[], now: number, code?: number, logId?: string): void {
  turn.status = 'failed';
  turn.elapsedMs = now - turn.startedAt;
  turn.error = { message, actions: actions.filter((a): a is ChatFixAction => (CHAT_FIX_ACTIONS as readonly string[]).includes(a)) };
  if (code !== undefined) turn.error.code = code;
  if (logId) turn.error.logId = logId;
}

/** A turn whose question never reached Coze (an upload failed first): no time is shown for it. */
export function failUnsent(turn: StoredTurn, message: string, actions: readonly FixAction[], code?: number, logId?: string): void {
  failTurn(turn, message, actions, 0, code, logId);
  delete turn.elapsedMs;
}

const RETRYABLE: ReadonlySet<StoredTurn['status']> = new Set(['failed', 'stopped', 'interrupted']);

/** A failure only another key can fix (the rule every surface shares: src/ask/keyFailure.ts). */
export function needsNewKey(error: StoredTurn['error']): boolean {
  return actionsNeedNewKey(error?.actions);
}

/** The turn can be asked again in place: the last of its conversation, and not answered or still answering. */
export function canRetryTurn(turn: Pick<StoredTurn, 'status'>, isLast: boolean): boolean {
  return isLast && RETRYABLE.has(turn.status);
}

/**
 * Retry is offered under the turn: only under the last one (under an earlier turn it would ask again below
 * the later ones), and not under a failure only a new key fixes (Set API Key is offered, and asks again once set).
 */
export function offersRetry(turn: Pick<StoredTurn, 'status' | 'error'>, isLast: boolean): boolean {
  return canRetryTurn(turn, isLast) && !needsNewKey(turn.error);
}
