// The non-stream flow: create the chat, poll GET /v3/chat/retrieve until a final status, then read the
// messages. Each poll is a billed call (500 in total on the free plan), so the interval is the caller's
// (default 1 s, Coze's advice) and never shorter; every final status ends the wait.
//
// Coze Studio before v0.5.1 answers every /v3/chat with a stream, `stream: false` or not
// (docs/coze-api.md#coze-studio): such a reply is read as a stream, and the client says so once (onNotice).

import { addMessages } from './answerBuilder';
import { startChat } from './busy';
import { finalStatusError, isFinal, reportProgress, type FlowContext } from './chatState';
import { CozeError } from './errors';
import { isEventStream, readStream, settleUnfinishedStream, type StreamEnd } from './streamFlow';
import { sleep } from './timing';
import type { CozeAnswer } from './types';

export const ALWAYS_STREAMS_NOTICE =
  'This Coze server answered a non-stream (poll) question with a stream: it always streams (Coze Studio before v0.5.1). Answers are read as streams.';

export async function askByPolling(ctx: FlowContext): Promise<CozeAnswer> {
  const { transport, scope, state } = ctx;
  const reply = await startChat(ctx, false, async (res): Promise<{ streamed: StreamEnd } | { data: unknown; logId: string | undefined }> => {
    if (!isEventStream(res)) return transport.readCozeJson(res);
    // Said as soon as it is seen: also when this stream then fails.
    ctx.notice('always-streams', ALWAYS_STREAMS_NOTICE);
    return { streamed: await readStream(ctx, res) };
  });
  if ('streamed' in reply) return reply.streamed === 'final' ? state.answer() : settleUnfinishedStream(ctx);
  const created = reply;
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
