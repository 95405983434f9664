// One conversation runs one chat at a time: a second POST /v3/chat gets 4016 (docs/coze-api.md#one-chat-per-conversation). Failing blindly
// would leave the user stuck; retrying blindly wastes billed calls. So the client keeps track of the chats it
// started that may still run, per conversation, and before (or after a 4016) starting a chat:
//
// - a question of this client is still running in that conversation: wait for it to end, without sending
//   anything (or, with ifConversationBusy 'cancel', stop it first: it ends as 'canceled' and cancels its chat);
// - a chat of this client was left running (its question timed out and the cancel failed): poll its status
//   with GET /v3/chat/retrieve every pollIntervalMs until it is final (or cancel it, with 'cancel');
// - a chat the client does not know (another window, another tool): the transport retries the 4016 with
//   backoff, like a busy error (maxRetries, retryBaseMs), then gives up with the 4016 error.
//
// Every wait is bounded by the question's own deadline (maxWaitMs) and ends at once when the caller stops.

import { isFinal, normalizeStatus, startChatRequest, type FlowContext } from './chatState';
import { CozeError, isCozeError } from './errors';
import type { RunningChat } from './runningChats';
import { sleep } from './timing';
import { isRecord } from './decode';
import type { ApiResponse } from './transport';
import type { ChatStatus } from './types';

// client.ts imports the registry from here.

/** How many known chats one question makes room for before it just asks (and lets 4016 be retried blindly). */
const MAX_ROUNDS = 5;

/** POST /v3/chat, with the conversation-busy rules above. `handle` reads the response, as in Transport.call. */
export async function startChat<T>(ctx: FlowContext, stream: boolean, handle: (res: ApiResponse) => Promise<T>): Promise<T> {
  for (let round = 0; ; round++) {
    const other = ctx.conversationId ? ctx.running.get(ctx.conversationId) : undefined;
    if (other?.question && round < MAX_ROUNDS) {
      // Coze would answer 4016: don't spend a call to hear it.
      await makeRoom(ctx, other);
      continue;
    }
    const req = startChatRequest(ctx, stream);
    req.retryBusy = other === undefined;
    try {
      return await ctx.transport.call(req, ctx.scope.signal, handle);
    } catch (e) {
      if (!isCozeError(e) || e.code !== 4016 || other === undefined || round >= MAX_ROUNDS) throw e;
      await makeRoom(ctx, other);
    }
  }
}

async function makeRoom(ctx: FlowContext, other: RunningChat): Promise<void> {
  const signal = ctx.scope.signal;
  if (other.question) {
    if (ctx.ifConversationBusy === 'cancel') {
      other.question.stop(new CozeError('canceled', 'The question was stopped: a newer question in the same conversation replaced it.'));
    }
    // Its end updates `running` (deleted, or left running when its cancel failed) before `done` settles.
    await untilAborted(other.question.done, signal);
    return;
  }
  if (ctx.ifConversationBusy === 'cancel') {
    await ctx.cancelChat(other.conversationId, other.chatId, signal);
  } else {
    await pollUntilFinal(ctx, other);
  }
  ctx.running.delete(other.conversationId, other.chatId);
}

async function pollUntilFinal(ctx: FlowContext, other: RunningChat): Promise<void> {
  for (;;) {
    let status: ChatStatus | undefined;
    try {
      const polled = await ctx.transport.json<unknown>(
        { method: 'GET', path: '/v3/chat/retrieve', query: { conversation_id: other.conversationId, chat_id: other.chatId } },
        ctx.scope.signal,
      );
      status = normalizeStatus(isRecord(polled.data) ? polled.data.status : undefined);
    } catch (e) {
      // 4200: Coze no longer knows the chat; nothing left to wait for.
      if (isCozeError(e) && e.code === 4200) return;
      throw e;
    }
    if (isFinal(status)) return;
    await sleep(ctx.pollIntervalMs, ctx.scope.signal);
  }
}

/** Resolves with `p`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted(p: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
    );
  });
}
