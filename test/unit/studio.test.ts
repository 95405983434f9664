// The client against the fake in its Coze Studio dialect: what only self-hosted Studio does
// (docs/coze-api.md#coze-studio). The cases both dialects share run in client.poll/client.stream.test.ts.

import { strict as assert } from 'node:assert';
import { AnswerBuilder, addMessages } from '../../src/coze/answerBuilder';
import { ChatState } from '../../src/coze/chatState';
import { StreamDecoder } from '../../src/coze/streamDecoder';
import { isCozeError, type ResponseMode } from '../../src/coze';
import { BOT_ID, TOKEN, expectCozeError, requestsTo, useFakeCoze } from './cozeTestKit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MODES: readonly ResponseMode[] = ['poll', 'stream'];

/** Creates a chat the way another tool would (stream:false), to cancel it with the client. */
async function createChat(base: string): Promise<{ conversationId: string; chatId: string }> {
  const res = await fetch(`${base}/v3/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ bot_id: BOT_ID, user_id: 'u', stream: false, additional_messages: [{ role: 'user', content: 'Q', content_type: 'text' }] }),
  });
  const body = (await res.json()) as { data: { id: string; conversation_id: string } };
  return { conversationId: body.data.conversation_id, chatId: body.data.id };
}

describe('CozeClient against Coze Studio (fake, studio dialect)', () => {
  const kit = useFakeCoze({ dialect: 'studio' });

  it('poll: reads the answer from message/list’s `Messages` (no `data`)', async () => {
    kit.fake.setBehavior({ answers: ['From Studio'], followUps: ['Next?'] });
    const answer = await kit.client().ask('Q', { mode: 'poll' });
    assert.equal(answer.text, 'From Studio');
    assert.deepEqual(answer.followUps, ['Next?']);
    assert.equal(requestsTo(kit.fake, 'list').length, 1);
    assert.equal(requestsTo(kit.fake, 'chat')[0]!.status, 200);
  });

  it('cancel: the reply {"ChatV3ChatDetail":…} without code is a success', async () => {
    kit.fake.setBehavior({ completeAfterMs: 60_000 });
    const { conversationId, chatId } = await createChat(kit.fake.url);
    await kit.client().cancel(conversationId, chatId);
    assert.equal(kit.fake.chat(chatId)!.canceled, true);
    const [cancel] = requestsTo(kit.fake, 'cancel');
    assert.equal(cancel!.status, 200);
    assert.equal(cancel!.code, undefined, 'Studio’s cancel reply has no code');
  });

  it('cancel of a chat that has already ended: HTTP 400 with 103200005 in msg counts as done (like 4104)', async () => {
    const { conversationId, chatId } = await createChat(kit.fake.url);
    kit.fake.finishChat(chatId);
    await kit.client().cancel(conversationId, chatId);
    const [cancel] = requestsTo(kit.fake, 'cancel');
    assert.equal(cancel!.status, 400);
    assert.equal(cancel!.code, 400);
    assert.equal(requestsTo(kit.fake, 'cancel').length, 1, 'not retried');
  });

  const spellings: Array<[string, Record<string, string> | undefined, 'canceled' | 'requires_action', string]> = [
    ['conversation.chat.cancelled (what Studio’s cancel writes)', undefined, 'canceled', 'canceled'],
    ['cancelled', { canceled: 'cancelled' }, 'canceled', 'canceled'],
    ['canceled (cloud spelling)', { canceled: 'canceled' }, 'canceled', 'canceled'],
    ['required_action', undefined, 'requires_action', 'requires-action'],
    ['requires_action (cloud spelling)', { requires_action: 'requires_action' }, 'requires_action', 'requires-action'],
  ];
  for (const [name, statusAs, finalStatus, kind] of spellings) {
    it(`poll: status ${name} is final and ends the wait`, async () => {
      kit.fake.setBehavior({ finalStatus, completeAfterMs: 30, ...(statusAs ? { statusAs } : {}) });
      const err = await expectCozeError(kit, kit.client().ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, kind);
      const polls = requestsTo(kit.fake, 'retrieve').length;
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(requestsTo(kit.fake, 'retrieve').length, polls, 'no poll after the final status');
    });
  }

  it('stream: a conversation.chat.cancelled event ends the question as canceled', () => {
    const state = new ChatState(undefined);
    const decoder = new StreamDecoder({ state, meta: { status: 200, contentType: 'text/event-stream', logId: 'L' }, redact: (s) => s, onProgress: () => undefined });
    decoder.push('event:conversation.chat.created\ndata:{"id":"1","conversation_id":"2","status":"created"}\n\n');
    assert.throws(
      () => decoder.push('event:conversation.chat.cancelled\ndata:{"id":"1","conversation_id":"2","status":"conversation.chat.cancelled"}\n\n'),
      (e: unknown) => isCozeError(e) && e.kind === 'canceled',
    );
    assert.equal(state.status, 'canceled');
  });

  it('stream: conversation.stream.done with an empty data line ends the stream cleanly', () => {
    const state = new ChatState(undefined);
    const decoder = new StreamDecoder({ state, meta: { status: 200, contentType: 'text/event-stream', logId: 'L' }, redact: (s) => s, onProgress: () => undefined });
    decoder.push('event:conversation.chat.completed\ndata:{"id":"1","conversation_id":"2","status":"completed"}\n\nevent:conversation.stream.done\ndata:\n\n');
    assert.equal(decoder.done, true);
    assert.equal(state.status, 'completed');
  });

  it('0 timestamps are unset: Chat objects with completed_at/failed_at 0 are read, messages keep list order', async () => {
    const answer = await kit.client().ask('Q', { mode: 'poll' });
    assert.ok(answer.text.length > 0);
    const b = new AnswerBuilder();
    addMessages(b, [
      { id: 'a', type: 'answer', content: 'one', content_type: 'text', created_at: 0 },
      { id: 'b', type: 'answer', content: 'two', content_type: 'text', created_at: 1_700_000_000 },
      { id: 'c', type: 'answer', content: 'three', content_type: 'text', created_at: 0 },
    ]);
    assert.deepEqual(b.answers, ['one', 'two', 'three'], 'an unset time is not "1970": list order is kept');
  });

  for (const mode of MODES) {
    it(`${mode}: a wrong key is HTTP 200 + 700012006 → api error with that code, the X-Log-ID as logid, not retried`, async () => {
      const err = await expectCozeError(kit, kit.client({ token: 'pat_wrong' }).ask('Q', { mode }));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 700012006);
      assert.equal(err.httpStatus, 200);
      assert.equal(err.retryable, false);
      const [req] = requestsTo(kit.fake, 'chat');
      assert.match(req!.logid!, UUID);
      assert.equal(err.logId, req!.logid, 'the X-Log-ID header is the logid');
      assert.ok(err.message.includes(req!.logid!));
      assert.equal(requestsTo(kit.fake, 'chat').length, 1);
    });

    it(`${mode}: always sends "stream" explicitly (Studio streams when it is missing)`, async () => {
      await kit.client().ask('Q', { mode });
      const body = requestsTo(kit.fake, 'chat')[0]!.body as Record<string, unknown>;
      assert.ok('stream' in body);
      assert.equal(body.stream, mode === 'stream');
    });
  }

  it('poll: bad parameters / business errors are HTTP 400 + code 400 → api error 400, not retried', async () => {
    kit.fake.setBehavior({ unpublishedBotIds: [BOT_ID] });
    const err = await expectCozeError(kit, kit.client().ask('Q', { mode: 'poll' }));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 400);
    assert.equal(err.httpStatus, 400);
    assert.match(err.message, /103100002/, 'Studio’s own code is inside msg');
    assert.equal(requestsTo(kit.fake, 'chat').length, 1);
  });

  it('stream: an error found before the run starts comes as an `error` event on HTTP 200', async () => {
    kit.fake.setBehavior({ unpublishedBotIds: [BOT_ID] });
    const err = await expectCozeError(kit, kit.client().ask('Q'));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 103100001);
    assert.match(err.message, /not published/);
  });

  it('retrieve answering HTTP 500 with a plain-text body is a gateway error: retried, then the answer', async () => {
    kit.fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 500, body: 'text' });
    const answer = await kit.client().ask('Q', { mode: 'poll' });
    assert.ok(answer.text.length > 0);
    const failed = kit.logs.find((l) => l.status === 500);
    assert.ok(failed && failed.willRetry === true);
  });

  it('retrieve answering HTTP 500 with plain text every time → network error naming HTTP 500, never the body', async () => {
    kit.fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 500, body: 'text', times: 10 });
    const err = await expectCozeError(kit, kit.client({ maxRetries: 1 }).ask('Q', { mode: 'poll' }));
    assert.equal(err.kind, 'network');
    assert.equal(err.httpStatus, 500);
    assert.match(err.message, /HTTP 500/);
    assert.ok(!err.message.includes('retrieve chat failed'));
    assert.match(err.logId ?? '', UUID);
  });

  it('stream: `event:error` then EOF → api error with code and msg, the text so far kept, not retried', async () => {
    kit.fake.setBehavior({ answers: ['a'.repeat(200)], deltaSize: 10 });
    kit.fake.addFault({ endpoint: 'chat', kind: 'error-event', afterEvents: 6, code: 103100001, msg: 'model call failed' });
    const err = await expectCozeError(kit, kit.client().ask('Q'));
    assert.equal(err.kind, 'api');
    assert.equal(err.code, 103100001);
    assert.match(err.message, /model call failed/);
    assert.ok(err.partialText.length > 0 && /^a+$/.test(err.partialText), `partial text ${JSON.stringify(err.partialText)}`);
    assert.match(err.logId ?? '', UUID);
    assert.equal(requestsTo(kit.fake, 'chat').length, 1, 'a stream that delivered events is not repeated');
  });

  it('stream: a failed run (Studio sends `error`, no chat.failed, no done) keeps the partial answer', async () => {
    kit.fake.setBehavior({ answers: ['b'.repeat(100)], deltaSize: 10, finalStatus: 'failed', lastError: { code: 5000, msg: 'run failed' } });
    const err = await expectCozeError(kit, kit.client().ask('Q'));
    assert.equal(err.code, 5000);
    assert.match(err.message, /run failed/);
    assert.ok(err.partialText.startsWith('b'));
  });
});

describe('CozeClient against Coze Studio before v0.5.1 (always streams)', () => {
  const kit = useFakeCoze({ dialect: 'studio', streamsAlways: true });

  it('poll mode reads the SSE reply as a stream, and says once per client that this server always streams', async () => {
    const notices: string[] = [];
    const client = kit.client({ onNotice: (m) => notices.push(m) });
    kit.fake.setBehavior({ answerFor: { One: ['first answer'], Two: ['second answer'] } });
    const first = await client.ask('One', { mode: 'poll' });
    const second = await client.ask('Two', { mode: 'poll', conversationId: first.conversationId });
    assert.equal(first.text, 'first answer');
    assert.equal(second.text, 'second answer');
    assert.equal(second.conversationId, first.conversationId);
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /always streams/);
    for (const r of requestsTo(kit.fake, 'chat')) assert.equal((r.body as { stream?: unknown }).stream, false, 'poll mode still asks for stream:false');
    assert.equal(requestsTo(kit.fake, 'retrieve').length, 0, 'no poll: the stream had the answer');

    const other: string[] = [];
    await kit.client({ onNotice: (m) => other.push(m) }).ask('Three', { mode: 'poll' });
    assert.equal(other.length, 1, 'once per client');
    assert.equal(notices.length, 1);
  });

  it('a throwing onNotice does not fail the question', async () => {
    const answer = await kit
      .client({
        onNotice: () => {
          throw new Error('sink broke');
        },
      })
      .ask('Q', { mode: 'poll' });
    assert.ok(answer.text.length > 0);
  });
});
