// The stream flow: POST /v3/chat with stream:true and read the Server-Sent Events as they come.
//
// Coze traps (docs/coze-api.md#stream-flow, #json-error-instead-of-sse, #end-of-stream):
// - an error before streaming comes back as an ordinary application/json body although a stream was asked:
//   the content type is checked before any SSE parsing;
// - `done` may be missing (Coze Studio): the stream also ends cleanly on conversation.chat.completed + EOF;
// - no event announces `canceled`, and a stream can end early: when it ends without a final chat event, one
//   GET /v3/chat/retrieve says how the chat really ended (one extra call, only on this unusual path);
// - once an event has arrived the request is never retried: a retry would start a second chat and the answer
//   would restart. A stream that fails before its first byte may be retried.

import { addMessages } from './answerBuilder';
import { startChat } from './busy';
import { finalStatusError, isFinal, reportProgress, type FlowContext } from './chatState';
import { httpError } from './decode';
import { CozeError } from './errors';
import { StreamDecoder } from './streamDecoder';
import { doNotRetry, type ApiResponse } from './transport';
import type { CozeAnswer } from './types';

/** After conversation.chat.completed, how long to wait for `done`/EOF before closing the stream ourselves. */
const TAIL_GRACE_MS = 1000;

export async function askByStreaming(ctx: FlowContext): Promise<CozeAnswer> {
  const ended = await startChat(ctx, true, (res) => readStream(ctx, res));
  if (ended === 'final') return ctx.state.answer();
  return settleUnfinishedStream(ctx);
}

export type StreamEnd = 'final' | 'unfinished';

/** The reply is an event stream (whatever was asked: Coze Studio before v0.5.1 always streams). */
export function isEventStream(res: ApiResponse): boolean {
  return /^text\/event-stream\b/i.test(res.contentType);
}

/** Reads a chat's event stream into the state; 'unfinished' when it ended without a final chat event. */
export async function readStream(ctx: FlowContext, res: ApiResponse): Promise<StreamEnd> {
  const { state, transport } = ctx;
  if (!isEventStream(res)) {
    // The JSON error body of a stream request (auth, bad params, busy...): an api error, retried by code.
    await transport.readCozeJson(res);
    throw new CozeError('protocol', 'Coze answered a stream request with JSON instead of a stream.', { logId: res.logId });
  }
  if (res.status !== 200) throw httpError(res, 'unexpected');

  const chatflow = ctx.chatflow !== undefined;
  const decoder = new StreamDecoder({ state, meta: res, redact: (s) => transport.redact(s), onProgress: () => reportProgress(ctx), chatflow });
  let gotBytes = false;
  let tailTimer: ReturnType<typeof setTimeout> | undefined;
  let tailClosed = false;

  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      gotBytes = true;
      res.touch();
      decoder.push(chunk);
      if (decoder.done) break; // leaving the loop closes the body
      if (decoder.completed && tailTimer === undefined) {
        // Trailing events (done) normally follow at once; don't let a server that keeps the connection open
        // hold the answer until the idle timeout.
        tailTimer = setTimeout(() => {
          tailClosed = true;
          res.body.destroy();
        }, Math.min(TAIL_GRACE_MS, transport.requestTimeoutMs));
      }
    }
    if (!decoder.done) decoder.end();
  } catch (e) {
    if (tailClosed && isFinal(state.status)) return 'final';
    if (res.signal.aborted) throw e; // the transport turns it into the timeout/canceled reason
    const err = e instanceof CozeError ? e : transport.classify(e, { beforeData: !gotBytes, idempotent: false });
    // Events arrived: a retry would start another chat (and the user would see the answer restart).
    if (gotBytes) doNotRetry(err);
    throw err;
  } finally {
    if (tailTimer !== undefined) clearTimeout(tailTimer);
  }
  if (!gotBytes) {
    throw new CozeError('protocol', 'Coze sent an empty stream.', { logId: res.logId });
  }
  if (state.status === 'completed') return 'final';
  // A chatflow that stops at a Question node (requires_action, or `done` without a chat event): its answer so far
  // is the node's question, and the user's next message continues the flow (docs/coze-api.md#chatflows).
  if (chatflow && (state.status === 'requires_action' || (decoder.done && state.answers.text !== ''))) return 'final';
  return 'unfinished';
}

/** The stream ended (done or EOF) without a final chat event: ask Coze how the chat ended. */
export async function settleUnfinishedStream(ctx: FlowContext): Promise<CozeAnswer> {
  const { state, transport, scope } = ctx;
  const protocolError = () =>
    new CozeError('protocol', 'The Coze stream ended before the answer was complete.', state.context());
  if (!state.mayBeRunning) throw protocolError();
  const polled = await transport.json<unknown>(
    { method: 'GET', path: '/v3/chat/retrieve', query: { conversation_id: state.conversationId, chat_id: state.chatId } },
    scope.signal,
  );
  state.noteChat(polled.data);
  if (!isFinal(state.status)) throw protocolError();
  if (state.status !== 'completed') throw finalStatusError(state);
  // Completed although the stream missed the end: the message list has the whole answer.
  const list = await transport.json<unknown>(
    { method: 'GET', path: '/v3/chat/message/list', query: { conversation_id: state.conversationId, chat_id: state.chatId } },
    scope.signal,
  );
  if (!Array.isArray(list.data)) throw protocolError();
  state.answers.followUps.length = 0;
  addMessages(state.answers, list.data);
  return state.answer();
}
