// The non-stream flow: create the chat, poll GET /v3/chat/retrieve until a final status, then read the
// messages. Each poll is a billed call (500 in total on the free plan), so the interval is the caller's
// (default 1 s, Coze's advice) and never shorter; every final status ends the wait.

import { addMessages } from './answerBuilder';
import { startChat } from './busy';
import { finalStatusError, isFinal, reportProgress, type FlowContext } from './chatState';
import { CozeError } from './errors';
import { sleep } from './timing';
import type { CozeAnswer } from './types';

export async function askByPolling(ctx: FlowContext): Promise<CozeAnswer> {
  const { transport, scope, state } = ctx;
  const created = await startChat(ctx, false, (res) => transport.readCozeJson(res));
  state.noteChat(created.data);
  if (!state.chatId || !state.conversationId) {
    throw new CozeError('protocol', 'Coze did not return the chat and conversation ids.', { logId: created.logId });
  }
  reportProgress(ctx);

  let lastLogId = created.logId;
  while (!isFinal(state.status)) {
    await sleep(ctx.pollIntervalMs, scope.signal);
    const polled = await transport.json<unknown>(
      {
        method: 'GET',
        path: '/v3/chat/retrieve',
        query: { conversation_id: state.conversationId, chat_id: state.chatId },
      },
      scope.signal,
    );
    state.noteChat(polled.data);
    lastLogId = polled.logId;
    reportProgress(ctx);
  }

  if (state.status !== 'completed') throw finalStatusError(state, lastLogId);

  const list = await transport.json<unknown>(
    {
      method: 'GET',
      path: '/v3/chat/message/list',
      query: { conversation_id: state.conversationId, chat_id: state.chatId },
    },
    scope.signal,
  );
  if (!Array.isArray(list.data)) {
    throw new CozeError('protocol', 'Coze returned a message list that is not a list.', { logId: list.logId });
  }
  addMessages(state.answers, list.data);
  reportProgress(ctx);
  return state.answer();
}
