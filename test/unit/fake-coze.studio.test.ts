// The fake's Coze Studio dialect, checked on the wire with plain fetch: it must say what Studio says
// (docs/coze-api.md#coze-studio), since the client's Studio tests trust it.

import assert from 'node:assert/strict';
import { FakeCozeServer } from '../fake-coze';
import { parseArgs } from '../fake-coze/cli';
import { call } from './fakeHttp';

const BOT = '7445600453913968691';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Body = any; // eslint-disable-line


/** A /v3/chat body; `stream` only when given (Studio streams when it is missing). */
function chatBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { bot_id: BOT, user_id: 'user-1', additional_messages: [{ role: 'user', type: 'question', content: 'Hi', content_type: 'text' }], ...extra };
}

interface Ev {
  event: string;
  data: string;
}

/** Studio's exact bytes: `event:<name>\ndata:<json>\n\n`, no space, LF only. */
function parseStudioSse(text: string): Ev[] {
  assert.ok(!text.includes('\r'), 'LF line ends');
  assert.ok(text.endsWith('\n\n'), 'every event ends with a blank line');
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const m = /^event:(\S+)\ndata:(.*)$/.exec(block);
      assert.ok(m, `not a Studio event: ${JSON.stringify(block)}`);
      assert.ok(!m[2]!.startsWith(' '), 'no space after data:');
      return { event: m[1]!, data: m[2]! };
    });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('fake Coze server, Coze Studio dialect', function () {
  this.timeout(10000);
  let fake: FakeCozeServer;

  before(async () => {
    fake = await FakeCozeServer.start({ dialect: 'studio', behavior: { completeAfterMs: 40, deltaIntervalMs: 0 } });
  });
  afterEach(() => fake.reset());
  after(() => fake.close());

  it('start({dialect}) sets the behavior, and reset() keeps it', () => {
    assert.equal(fake.getBehavior().dialect, 'studio');
    fake.setBehavior({ dialect: 'cloud' });
    fake.reset();
    assert.equal(fake.getBehavior().dialect, 'studio');
  });

  it('streams a request without `stream`: Studio bytes, X-Log-ID, ends with conversation.stream.done and empty data', async () => {
    fake.setBehavior({ answers: ['Hello Studio'], followUps: [] });
    const r = await call(fake.url, '/v3/chat', { body: chatBody() });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/event-stream');
    assert.match(r.headers.get('x-log-id') ?? '', UUID);
    assert.equal(r.headers.get('x-tt-logid'), null);
    const events = parseStudioSse(r.text);
    const names = events.map((e) => e.event);
    assert.equal(names[0], 'conversation.chat.created');
    assert.ok(names.includes('conversation.message.delta'));
    assert.deepEqual(names.slice(-2), ['conversation.chat.completed', 'conversation.stream.done']);
    assert.equal(events.at(-1)!.data, '');
    assert.ok(r.text.endsWith('event:conversation.stream.done\ndata:\n\n'));
    assert.ok(!names.includes('done'));
    assert.equal(fake.requests[0]!.stream, true);
  });

  it('stream:false answers at status created, with BaseResp; retrieve is GET only; message/list answers `Messages`', async () => {
    fake.setBehavior({ answers: ['A'] });
    const created = await call(fake.url, '/v3/chat', { body: chatBody({ stream: false }) });
    assert.equal(created.status, 200);
    assert.match(created.headers.get('x-log-id') ?? '', UUID);
    assert.equal(created.body.code, 0);
    assert.equal(created.body.data.status, 'created');
    assert.equal(created.body.BaseResp, null);
    assert.equal(created.body.detail, undefined, 'no detail.logid');
    const q = `?conversation_id=${created.body.data.conversation_id}&chat_id=${created.body.data.id}`;

    const polled = await call(fake.url, `/v3/chat/retrieve${q}`);
    assert.deepEqual(Object.keys(polled.body).sort(), ['code', 'data', 'msg']);
    assert.equal(polled.body.data.status, 'in_progress');
    assert.equal(polled.body.data.completed_at, 0, 'unset timestamps are 0');
    assert.equal(polled.body.data.failed_at, 0);
    const post = await call(fake.url, `/v3/chat/retrieve${q}`, { method: 'POST', body: {} });
    assert.equal(post.status, 404);
    assert.deepEqual(post.body, { code: 404, msg: 'not found' });

    await sleep(80);
    const done = await call(fake.url, `/v3/chat/retrieve${q}`);
    assert.equal(done.body.data.status, 'completed');
    assert.ok(done.body.data.completed_at > 0);
    const list = await call(fake.url, `/v3/chat/message/list${q}`);
    assert.equal(list.body.code, 0);
    assert.equal(list.body.data, undefined);
    assert.equal(list.body.BaseResp, null);
    assert.ok(Array.isArray(list.body.Messages));
    assert.ok(list.body.Messages.some((m: Body) => m.type === 'answer' && m.content === 'A'));
  });

  it('cancel: {"ChatV3ChatDetail":…,"BaseResp":null} with status conversation.chat.cancelled; again: HTTP 400, 103200005 in msg', async () => {
    fake.setBehavior({ completeAfterMs: 60_000 });
    const created = await call(fake.url, '/v3/chat', { body: chatBody({ stream: false }) });
    const ids = { conversation_id: created.body.data.conversation_id, chat_id: created.body.data.id };
    const c = await call(fake.url, '/v3/chat/cancel', { body: ids });
    assert.equal(c.status, 200);
    assert.deepEqual(Object.keys(c.body).sort(), ['BaseResp', 'ChatV3ChatDetail']);
    assert.equal(c.body.ChatV3ChatDetail.status, 'conversation.chat.cancelled');
    const polled = await call(fake.url, `/v3/chat/retrieve?conversation_id=${ids.conversation_id}&chat_id=${ids.chat_id}`);
    assert.equal(polled.body.data.status, 'conversation.chat.cancelled');
    const again = await call(fake.url, '/v3/chat/cancel', { body: ids });
    assert.equal(again.status, 400);
    assert.equal(again.body.code, 400);
    assert.match(again.body.msg, /^code=103200005 message=/);
  });

  it('statusAs picks another spelling; requires_action is never streamed and reads required_action', async () => {
    fake.setBehavior({ finalStatus: 'requires_action' });
    const r = await call(fake.url, '/v3/chat', { body: chatBody({ stream: true }) });
    const names = parseStudioSse(r.text).map((e) => e.event);
    assert.ok(!names.some((n) => n.includes('requires_action')));
    assert.equal(names.at(-1), 'conversation.stream.done');
    const chat = fake.chats[0]!;
    const polled = await call(fake.url, `/v3/chat/retrieve?conversation_id=${chat.conversationId}&chat_id=${chat.id}`);
    assert.equal(polled.body.data.status, 'required_action');
    assert.equal(polled.body.data.required_action, undefined, 'Studio never fills it in');

    fake.setBehavior({ finalStatus: 'canceled', statusAs: { canceled: 'cancelled' }, completeAfterMs: 10 });
    const created = await call(fake.url, '/v3/chat', { body: chatBody({ stream: false }) });
    await sleep(40);
    const p2 = await call(fake.url, `/v3/chat/retrieve?conversation_id=${created.body.data.conversation_id}&chat_id=${created.body.data.id}`);
    assert.equal(p2.body.data.status, 'cancelled');
  });

  it('a failed run streams `error` {code,msg} and ends: no chat.failed, no done', async () => {
    fake.setBehavior({ answers: ['x'.repeat(40)], deltaSize: 5, finalStatus: 'failed', lastError: { code: 5000, msg: 'boom' } });
    const r = await call(fake.url, '/v3/chat', { body: chatBody({ stream: true }) });
    const events = parseStudioSse(r.text);
    assert.equal(events.at(-1)!.event, 'error');
    assert.deepEqual(JSON.parse(events.at(-1)!.data), { code: 5000, msg: 'boom' });
    assert.ok(!events.some((e) => e.event === 'conversation.chat.failed' || e.event.endsWith('done')));
    assert.equal(fake.chats[0]!.status, 'failed');
  });

  it('the error-event fault: `event:error` + data {code,msg}, then the stream ends', async () => {
    fake.addFault({ endpoint: 'chat', kind: 'error-event', afterEvents: 3, code: 103100001, msg: 'oops' });
    const r = await call(fake.url, '/v3/chat', { body: chatBody({ stream: true }) });
    const events = parseStudioSse(r.text);
    assert.equal(events.length, 4);
    assert.deepEqual(events[3], { event: 'error', data: '{"code":103100001,"msg":"oops"}' });
  });

  it('errors: bad key HTTP 200 + 700012006 (also for a stream); bad params HTTP 400 + 400; unknown route 404', async () => {
    for (const stream of [true, false]) {
      const bad = await call(fake.url, '/v3/chat', { body: chatBody({ stream }), token: 'pat_wrong' });
      assert.equal(bad.status, 200);
      assert.equal(bad.body.code, 700012006);
      assert.match(bad.headers.get('content-type') ?? '', /application\/json/);
    }
    const missing = await call(fake.url, '/v3/chat', { body: chatBody({ stream: false }), token: null });
    assert.equal(missing.body.code, 700012006);
    const params = await call(fake.url, '/v3/chat', { body: chatBody({ stream: false, user_id: '' }) });
    assert.equal(params.status, 400);
    assert.equal(params.body.code, 400);
    assert.match(params.body.msg, /^code=4000 message=/);
    const unknown = await call(fake.url, '/v1/nothing');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { code: 404, msg: 'not found' });
  });

  it('retrieve errors are HTTP 500 with plain text; the `text` fault does the same for any endpoint', async () => {
    const r = await call(fake.url, `/v3/chat/retrieve?conversation_id=1&chat_id=2`);
    assert.equal(r.status, 500);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(r.body, undefined, 'not JSON');
    assert.match(r.headers.get('x-log-id') ?? '', UUID);
    fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 500, body: 'text' });
    const f = await call(fake.url, `/v3/chat/retrieve?conversation_id=1&chat_id=2`);
    assert.equal(f.status, 500);
    assert.match(f.text, /retrieve chat failed/);
  });

  it('an unknown conversation_id silently gets a new conversation', async () => {
    const r = await call(fake.url, '/v3/chat?conversation_id=123', { body: chatBody({ stream: false }) });
    assert.equal(r.body.code, 0);
    assert.notEqual(r.body.data.conversation_id, '123');
  });

  it('streamsAlways (before v0.5.1): stream:false gets SSE too, and retrieve/message/list do not exist', async () => {
    fake.setBehavior({ streamsAlways: true });
    const r = await call(fake.url, '/v3/chat', { body: chatBody({ stream: false }) });
    assert.equal(r.headers.get('content-type'), 'text/event-stream');
    assert.equal(parseStudioSse(r.text).at(-1)!.event, 'conversation.stream.done');
    const chat = fake.chats[0]!;
    const polled = await call(fake.url, `/v3/chat/retrieve?conversation_id=${chat.conversationId}&chat_id=${chat.id}`);
    assert.equal(polled.status, 404);
  });

  it('control API and CLI switch the dialect', async () => {
    const cloud = await FakeCozeServer.start();
    try {
      assert.equal(cloud.getBehavior().dialect, 'cloud', 'the cloud stays the default');
      const set = await fetch(`${cloud.url}/__fake/behavior`, { method: 'POST', body: JSON.stringify({ dialect: 'studio', streamsAlways: true }) });
      assert.equal(set.status, 200);
      assert.equal(cloud.getBehavior().dialect, 'studio');
      assert.equal(cloud.getBehavior().streamsAlways, true);
      const bad = await fetch(`${cloud.url}/__fake/behavior`, { method: 'POST', body: JSON.stringify({ dialect: 'moon' }) });
      assert.equal(bad.status, 400);
    } finally {
      await cloud.close();
    }
    assert.deepEqual(parseArgs(['--dialect', 'studio', '--streams-always']), { dialect: 'studio', behavior: { streamsAlways: true } });
    assert.throws(() => parseArgs(['--dialect', 'moon']), /--dialect must be cloud or studio/);
  });
});
