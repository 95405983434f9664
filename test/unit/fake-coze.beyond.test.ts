// The fake's endpoints beyond chat (test/fake-coze/catalog.ts, files.ts, chatflow in server.ts), on the wire
// with plain fetch: the shapes docs/coze-api.md#beyond-chat describes, and what Coze refuses.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FakeCozeServer } from '../fake-coze';
import { call } from './fakeHttp';
import { TOKEN } from './cozeTestKit';

const BOT = '7445600453913968691';
const SPACE = '7300000000000000101';

async function upload(base: string, form: FormData, token = TOKEN): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${base}/v1/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: await res.json() };
}

function fileForm(name: string, bytes: Uint8Array<ArrayBuffer>, field = 'file'): FormData {
  const f = new FormData();
  f.append(field, new Blob([bytes]), name);
  return f;
}

function chat(fileIds: string[], content?: unknown): Record<string, unknown> {
  return {
    bot_id: BOT,
    user_id: 'u',
    stream: false,
    additional_messages: [
      {
        role: 'user',
        content_type: 'object_string',
        content: content ?? JSON.stringify([{ type: 'text', text: 'Look' }, ...fileIds.map((id) => ({ type: 'file', file_id: id }))]),
      },
    ],
  };
}

describe('fake Coze server beyond chat (cloud)', () => {
  let fake: FakeCozeServer;
  before(async () => {
    fake = await FakeCozeServer.start({ behavior: { completeAfterMs: 30, deltaIntervalMs: 0 } });
  });
  afterEach(() => fake.reset());
  after(() => fake.close());

  it('GET /v1/workspaces pages with page_num/page_size and refuses page_size over 50', async () => {
    const r = await call(fake.url, '/v1/workspaces?page_num=1&page_size=1');
    assert.equal(r.body.code, 0);
    assert.equal(r.body.data.total_count, 2);
    assert.equal(r.body.data.workspaces.length, 1);
    assert.deepEqual(Object.keys(r.body.data.workspaces[0]).sort(), ['icon_url', 'id', 'name', 'role_type', 'workspace_type']);
    assert.ok(r.body.detail.logid);
    const page2 = await call(fake.url, '/v1/workspaces?page_num=2&page_size=1');
    assert.equal(page2.body.data.workspaces[0].name, '研发团队');
    assert.equal((await call(fake.url, '/v1/workspaces?page_size=51')).body.code, 4000);
  });

  it('GET /v1/bots needs workspace_id, lists only API-published bots, pages with total', async () => {
    assert.equal((await call(fake.url, '/v1/bots')).body.code, 4000);
    const p1 = await call(fake.url, `/v1/bots?workspace_id=${SPACE}&page_num=1&page_size=20`);
    assert.equal(p1.body.data.total, 23);
    assert.equal(p1.body.data.items.length, 20);
    assert.deepEqual(Object.keys(p1.body.data.items[0]).sort(), ['description', 'icon_url', 'id', 'is_published', 'name', 'owner_user_id', 'published_at', 'updated_at']);
    const p2 = await call(fake.url, `/v1/bots?workspace_id=${SPACE}&page_num=2&page_size=20`);
    assert.equal(p2.body.data.items.length, 3);
    const all = await call(fake.url, `/v1/bots?workspace_id=${SPACE}&publish_status=all&page_size=50`);
    assert.equal(all.body.data.total, 24, 'publish_status=all includes the draft');
  });

  it('botListDenied answers the permission code with HTTP 200; a behavior list replaces the seed', async () => {
    fake.setBehavior({ botListDenied: 4101 });
    const denied = await call(fake.url, `/v1/bots?workspace_id=${SPACE}`);
    assert.equal(denied.status, 200);
    assert.equal(denied.body.code, 4101);
    fake.setBehavior({ botListDenied: null, bots: [{ id: '1', name: 'One', workspace_id: '9' }] });
    const one = await call(fake.url, '/v1/bots?workspace_id=9');
    assert.deepEqual(one.body.data.items.map((b: { name: string }) => b.name), ['One']);
  });

  it('GET /v1/bots/:id answers the configuration with bot_id; an unknown bot 4200', async () => {
    const r = await call(fake.url, `/v1/bots/${BOT}`);
    assert.equal(r.body.data.bot_id, BOT);
    assert.equal(r.body.data.name, 'Code Helper');
    assert.match(r.body.data.icon_url, /^https:\/\//);
    assert.equal((await call(fake.url, '/v1/bots/7445600453913900000')).body.code, 4200);
  });

  it('POST /v1/files/upload keeps the bytes; GET /__fake/files lists them with sha256', async () => {
    const bytes = new TextEncoder().encode('hello, 扣子');
    const r = await upload(fake.url, fileForm('hi.txt', bytes));
    assert.equal(r.body.code, 0);
    assert.deepEqual(Object.keys(r.body.data).sort(), ['bytes', 'created_at', 'file_name', 'id']);
    assert.equal(r.body.data.bytes, bytes.length);
    assert.equal(r.body.data.file_name, 'hi.txt');
    const listed = (await (await fetch(`${fake.url}/__fake/files`)).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(listed.map((f) => [f.id, f.name, f.bytes, f.sha256]), [[r.body.data.id, 'hi.txt', bytes.length, createHash('sha256').update(bytes).digest('hex')]]);
    assert.deepEqual([...fake.fileBytes(r.body.data.id)!], [...bytes]);
  });

  it('upload refuses another field name, a JSON body, an over-limit file and a bad token', async () => {
    assert.equal((await upload(fake.url, fileForm('a.txt', new Uint8Array([1]), 'data'))).body.code, 4000);
    assert.equal((await call(fake.url, '/v1/files/upload', { body: { file: 'x' } })).body.code, 4000);
    fake.setBehavior({ maxUploadBytes: 10 });
    assert.equal((await upload(fake.url, fileForm('big.bin', new Uint8Array(11)))).body.code, 4000);
    assert.equal((await upload(fake.url, fileForm('ok.bin', new Uint8Array(10)))).body.code, 0);
    assert.equal((await upload(fake.url, fileForm('a.txt', new Uint8Array([1])), 'pat_wrong')).body.code, 4100);
    assert.equal(fake.files.length, 1);
  });

  it('object_string: parsed items are recorded; Coze’s refusals are 4000', async () => {
    const up = await upload(fake.url, fileForm('a.txt', new Uint8Array([1])));
    const ok = await call(fake.url, '/v3/chat', { body: chat([up.body.data.id]) });
    assert.equal(ok.body.code, 0);
    assert.deepEqual(fake.chat(ok.body.data.id)!.contentItems, [{ type: 'text', text: 'Look' }, { type: 'file', file_id: up.body.data.id }]);
    assert.equal(fake.chat(ok.body.data.id)!.question, 'Look', 'the bot answers the text item');

    const refusals: Array<[string, unknown]> = [
      ['unknown file id', JSON.stringify([{ type: 'text', text: 'x' }, { type: 'file', file_id: '7300000000000000009' }])],
      ['an array, not a string', [{ type: 'text', text: 'x' }, { type: 'file', file_id: up.body.data.id }]],
      ['not JSON', 'not json'],
      ['not an array', JSON.stringify({ type: 'text', text: 'x' })],
      ['unknown item type', JSON.stringify([{ type: 'video', file_id: up.body.data.id }])],
      ['text only', JSON.stringify([{ type: 'text', text: 'x' }])],
      ['two texts', JSON.stringify([{ type: 'text', text: 'x' }, { type: 'text', text: 'y' }, { type: 'file', file_id: up.body.data.id }])],
      ['file without id or url', JSON.stringify([{ type: 'text', text: 'x' }, { type: 'image' }])],
    ];
    for (const [what, content] of refusals) {
      const r = await call(fake.url, '/v3/chat', { body: chat([], content) });
      assert.equal(r.body.code, 4000, what);
    }
  });

  it('POST /v1/workflows/chat streams the v3 chat events and records workflow_id and parameters', async () => {
    fake.setBehavior({ answers: ['Flow!'] });
    const res = await fetch(`${fake.url}/v1/workflows/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workflow_id: '7500000000000000001', parameters: { a: 1 }, additional_messages: [{ role: 'user', content: 'hi', content_type: 'text' }] }),
    });
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    const text = await res.text();
    const events = [...text.matchAll(/^event:(.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(events.slice(0, 2), ['conversation.chat.created', 'conversation.chat.in_progress']);
    assert.ok(events.includes('conversation.message.delta') && events.includes('conversation.chat.completed'));
    assert.match(text, /event:done\ndata:\{"debug_url":"https:/);
    const snap = fake.chats[0]!;
    assert.equal(snap.workflowId, '7500000000000000001');
    assert.deepEqual(snap.parameters, { a: 1 });
    assert.equal(snap.answers[0], 'Flow!');
  });

  it('chatflow refuses a missing workflow_id, bot_id with app_id, and object_string messages', async () => {
    const post = (body: unknown) => call(fake.url, '/v1/workflows/chat', { body });
    const msg = [{ role: 'user', content: 'hi', content_type: 'text' }];
    assert.equal((await post({ additional_messages: msg })).body.code, 4000);
    assert.equal((await post({ workflow_id: '1', bot_id: BOT, app_id: '2', additional_messages: msg })).body.code, 4000);
    const obj = [{ role: 'user', content_type: 'object_string', content: JSON.stringify([{ type: 'text', text: 'x' }]) }];
    assert.equal((await post({ workflow_id: '1', additional_messages: obj })).body.code, 4000);
  });
});

describe('fake Coze server beyond chat (Studio dialect)', () => {
  let fake: FakeCozeServer;
  before(async () => {
    fake = await FakeCozeServer.start({ dialect: 'studio' });
  });
  afterEach(() => fake.reset());
  after(() => fake.close());

  it('has no workspace or bot list (404 {"code":404}), but the bot lookup and the upload', async () => {
    for (const path of ['/v1/workspaces', `/v1/bots?workspace_id=${SPACE}`]) {
      const r = await call(fake.url, path);
      assert.equal(r.status, 404);
      assert.deepEqual(r.body, { code: 404, msg: 'not found' });
    }
    const bot = await call(fake.url, `/v1/bots/${BOT}`);
    assert.equal(bot.body.data.bot_id, BOT);
    assert.ok(bot.headers.get('x-log-id'));
    const up = await upload(fake.url, fileForm('s.txt', new Uint8Array([1, 2])));
    assert.deepEqual(Object.keys(up.body.data).sort(), ['CreatedAt', 'bytes', 'file_name', 'id', 'uri', 'url']);
  });

  it('silently drops object_string content it cannot read, as Studio does', async () => {
    const r = await call(fake.url, '/v3/chat', { body: chat([], 'not json') });
    assert.equal(r.body.code, 0);
  });
});
