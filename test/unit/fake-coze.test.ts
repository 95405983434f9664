// Tests of the fake Coze server itself (test/fake-coze), with plain fetch. The fake must stay faithful to
// docs/coze-api.md, since the client's tests trust it.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeCozeServer, type ChatJson, type MessageJson, type RecordedRequest } from '../fake-coze';
import { formatEvent, SseWriter } from '../fake-coze/sse';
import { Timers } from '../fake-coze/util';
import { call, type Reply, type CallOptions } from './fakeHttp';

const TOKEN = 'pat_test_token';
const BOT = '7445600453913968691';
const ID19 = /^\d{19}$/;

// Replies are free-form JSON; the assertions check their shape.


function chatBody(question: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bot_id: BOT,
    user_id: 'user-1',
    stream: false,
    additional_messages: [{ role: 'user', type: 'question', content: question, content_type: 'text' }],
    ...extra,
  };
}

interface SseEvent {
  event: string;
  data: string;
}

/** A small, strict-enough SSE parser for assertions (LF or CRLF, optional space after the colon). */
function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block === '') continue;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      const m = /^([^:]+):(.*)$/.exec(line);
      assert.ok(m, `bad SSE line ${JSON.stringify(line)}`);
      const value = m[2]!.startsWith(' ') ? m[2]!.slice(1) : m[2]!;
      if (m[1] === 'event') event = value;
      else if (m[1] === 'data') data.push(value);
    }
    events.push({ event, data: data.join('\n') });
  }
  return events;
}

async function streamChat(base: string, body: Record<string, unknown>, query = ''): Promise<{ res: Response; text: string; events: SseEvent[] }> {
  const res = await fetch(`${base}/v3/chat${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  const text = await res.text();
  return { res, text, events: res.headers.get('content-type') === 'text/event-stream' ? parseSse(text) : [] };
}

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads a stream incrementally; resolves with what arrived when it ends, errors, or stays silent for `idleMs`. */
async function readUntilIdle(res: Response, idleMs: number): Promise<{ text: string; outcome: 'end' | 'error' | 'idle' }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<'idle'>((r) => (timer = setTimeout(() => r('idle'), idleMs)));
    try {
      const step = await Promise.race([reader.read(), idle]);
      if (step === 'idle') {
        await reader.cancel().catch(() => undefined);
        return { text, outcome: 'idle' };
      }
      if (step.done) return { text: text + decoder.decode(), outcome: 'end' };
      text += decoder.decode(step.value, { stream: true });
    } catch {
      return { text, outcome: 'error' };
    } finally {
      clearTimeout(timer);
    }
  }
}

function assertLogid(reply: Reply): void {
  const logid = reply.headers.get('x-tt-logid');
  assert.ok(logid && logid.length >= 20, `x-tt-logid ${String(logid)}`);
  assert.equal(reply.body?.detail?.logid, logid);
}

describe('fake Coze server', function () {
  this.timeout(10000);
  let fake: FakeCozeServer;
  let base: string;

  before(async () => {
    fake = await FakeCozeServer.start();
    base = fake.url;
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    fake.setBehavior({ completeAfterMs: 60, deltaIntervalMs: 0 });
  });

  describe('basics', () => {
    it('listens on 127.0.0.1 with a url without trailing slash', () => {
      assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it('answers unknown paths with 404 and code 4200, with a logid', async () => {
      const r = await call(base, '/v3/nope');
      assert.equal(r.status, 404);
      assert.equal(r.body.code, 4200);
      assertLogid(r);
      assert.equal(fake.requests[0]!.endpoint, 'other');
    });
  });

  describe('auth', () => {
    it('missing token → HTTP 401, code 4100', async () => {
      const r = await call(base, '/v3/chat', { body: chatBody('hi'), token: null });
      assert.equal(r.status, 401);
      assert.equal(r.body.code, 4100);
      assert.equal(r.body.msg, 'authentication is invalid');
      assertLogid(r);
      assert.equal(fake.requests[0]!.auth, 'missing');
      assert.equal(fake.chats.length, 0);
    });

    it('unknown token → 4100; forbidden token → 4101 (HTTP 200: read the body code)', async () => {
      assert.equal((await call(base, '/v3/chat', { body: chatBody('hi'), token: 'pat_nope' })).body.code, 4100);
      fake.setBehavior({ forbiddenTokens: [TOKEN] });
      const r = await call(base, '/v3/chat', { body: chatBody('hi') });
      assert.equal(r.status, 200);
      assert.equal(r.body.code, 4101);
      assertLogid(r);
    });

    it('auth errors on a stream request come back as JSON, not SSE', async () => {
      const r = await call(base, '/v3/chat', { body: chatBody('hi', { stream: true }), token: 'bad' });
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(r.body.code, 4100);
    });

    it('acceptAnyToken and custom tokens', async () => {
      const any = await FakeCozeServer.start({ acceptAnyToken: true });
      const custom = await FakeCozeServer.start({ tokens: ['pat_a'] });
      try {
        assert.equal((await call(any.url, '/v3/chat', { body: chatBody('hi'), token: 'whatever' })).body.code, 0);
        assert.equal((await call(any.url, '/v3/chat', { body: chatBody('hi'), token: null })).body.code, 4100);
        assert.equal((await call(custom.url, '/v3/chat', { body: chatBody('hi'), token: 'pat_a' })).body.code, 0);
        assert.equal((await call(custom.url, '/v3/chat', { body: chatBody('hi') })).body.code, 4100);
      } finally {
        await any.close();
        await custom.close();
      }
    });
  });

  describe('POST /v3/chat (non-stream) and polling', () => {
    it('creates an in_progress chat with 19-digit string ids, then completes on the server clock', async () => {
      // Looked at while in progress: a chat that completes only when the test says so, whatever the machine's load.
      fake.setBehavior({ completeAfterMs: 60_000 });
      const held = (await call(base, '/v3/chat', { body: chatBody('What is 2+2?') })).body.data as ChatJson;
      const hq = `?conversation_id=${held.conversation_id}&chat_id=${held.id}`;
      const early = await call(base, `/v3/chat/retrieve${hq}`);
      assert.equal(early.body.data.status, 'in_progress');
      assert.equal(early.body.data.usage, undefined);
      assert.deepEqual((await call(base, `/v3/chat/message/list${hq}`)).body.data, [], 'no messages before completion');
      fake.finishChat(held.id);
      assert.equal((await call(base, `/v3/chat/retrieve${hq}`)).body.data.status, 'completed');

      // Completed on the server's clock (60 ms here), without being asked.
      fake.setBehavior({ completeAfterMs: 60 });
      const r = await call(base, '/v3/chat', { body: chatBody('What is 2+2?') });
      assert.equal(r.status, 200);
      assert.equal(r.body.code, 0);
      assert.equal(r.body.msg, '');
      assertLogid(r);
      const chat = r.body.data as ChatJson;
      assert.equal(chat.status, 'in_progress');
      assert.match(chat.id, ID19);
      assert.match(chat.conversation_id, ID19);
      assert.equal(chat.bot_id, BOT);
      assert.deepEqual(chat.last_error, { code: 0, msg: '' });

      const q = `?conversation_id=${chat.conversation_id}&chat_id=${chat.id}`;
      await waitFor(() => fake.chat(chat.id)?.status === 'completed', 5_000, 'the completion on the server clock');
      const done = await call(base, `/v3/chat/retrieve${q}`);
      assertLogid(done);
      assert.equal(done.body.data.status, 'completed');
      assert.equal(typeof done.body.data.completed_at, 'number');
      const usage = done.body.data.usage;
      assert.ok(usage.output_count > 0 && usage.input_count > 0);
      assert.equal(usage.token_count, usage.output_count + usage.input_count);
      assert.equal(fake.chat(chat.id)?.status, 'completed');
    });

    it('message/list: verbose first, then answers, then follow-ups; no user question', async () => {
      const r = await call(base, '/v3/chat', { body: chatBody('How do I sort an array?') });
      const { id, conversation_id } = r.body.data as ChatJson;
      await waitFor(() => fake.chat(id)?.status === 'completed');
      const list = await call(base, `/v3/chat/message/list?conversation_id=${conversation_id}&chat_id=${id}`);
      assertLogid(list);
      const messages = list.body.data as MessageJson[];
      assert.ok(Array.isArray(messages));
      assert.deepEqual(
        messages.map((m) => m.type),
        ['verbose', 'answer', 'follow_up', 'follow_up', 'follow_up'],
      );
      assert.equal(JSON.parse(messages[0]!.content).msg_type, 'generate_answer_finish');
      const answer = messages[1]!;
      assert.ok(answer.content.includes('How do I sort an array?'), 'the answer quotes the question');
      assert.match(answer.content, /^#{1,3} /m, 'has a heading');
      assert.match(answer.content, /```[a-z]+\n/, 'has a fenced code block with a language');
      for (const m of messages) {
        assert.equal(m.role, 'assistant');
        assert.equal(m.chat_id, id);
        assert.equal(m.conversation_id, conversation_id);
        assert.equal(m.bot_id, BOT);
        assert.equal(m.content_type, 'text');
        assert.match(m.id, ID19);
        for (const k of ['created_at', 'updated_at', 'meta_data', 'section_id'] as const) assert.ok(m[k] !== undefined, k);
      }
    });

    it('scripted answers: answers, answerFor, followUps, extraMessages', async () => {
      fake.setBehavior({
        answers: ['first', 'second'],
        answerFor: { special: ['special answer'] },
        followUps: ['next?'],
        extraMessages: [
          { type: 'function_call', content: '{"name":"search"}' },
          { type: 'tool_output', content: '{"result":1}', role: 'tool' },
        ],
      });
      const a = (await call(base, '/v3/chat', { body: chatBody('anything') })).body.data as ChatJson;
      const b = (await call(base, '/v3/chat', { body: chatBody('special') })).body.data as ChatJson;
      await waitFor(() => fake.chat(a.id)?.status === 'completed' && fake.chat(b.id)?.status === 'completed');
      const la = (await call(base, `/v3/chat/message/list?conversation_id=${a.conversation_id}&chat_id=${a.id}`)).body.data as MessageJson[];
      assert.deepEqual(
        la.map((m) => [m.type, m.content]),
        [
          ['verbose', la[0]!.content],
          ['function_call', '{"name":"search"}'],
          ['tool_output', '{"result":1}'],
          ['answer', 'first'],
          ['answer', 'second'],
          ['follow_up', 'next?'],
        ],
      );
      assert.deepEqual(fake.chat(b.id)?.answers, ['special answer']);
    });

    it('final status failed: last_error and failed_at, no answer messages', async () => {
      fake.setBehavior({ finalStatus: 'failed' });
      const c = (await call(base, '/v3/chat', { body: chatBody('q') })).body.data as ChatJson;
      await waitFor(() => fake.chat(c.id)?.status === 'failed');
      const r = await call(base, `/v3/chat/retrieve?conversation_id=${c.conversation_id}&chat_id=${c.id}`);
      assert.equal(r.body.code, 0, 'the call succeeded; the run failed');
      assert.equal(r.body.data.status, 'failed');
      assert.deepEqual(r.body.data.last_error, { code: 5000, msg: 'event interval error' });
      assert.equal(typeof r.body.data.failed_at, 'number');
      const list = await call(base, `/v3/chat/message/list?conversation_id=${c.conversation_id}&chat_id=${c.id}`);
      assert.deepEqual(list.body.data, []);
    });

    it('final status requires_action: required_action and a function_call message', async () => {
      fake.setBehavior({ finalStatus: 'requires_action' });
      const c = (await call(base, '/v3/chat', { body: chatBody('weather?') })).body.data as ChatJson;
      await waitFor(() => fake.chat(c.id)?.status === 'requires_action');
      const r = await call(base, `/v3/chat/retrieve?conversation_id=${c.conversation_id}&chat_id=${c.id}`);
      assert.equal(r.body.data.required_action.type, 'submit_tool_outputs');
      assert.equal(r.body.data.required_action.submit_tool_outputs.tool_calls[0].function.name, 'get_weather');
      const list = await call(base, `/v3/chat/message/list?conversation_id=${c.conversation_id}&chat_id=${c.id}`);
      assert.deepEqual(
        (list.body.data as MessageJson[]).map((m) => m.type),
        ['function_call'],
      );
    });

    it('final status canceled (server side) and custom lastError / usage', async () => {
      fake.setBehavior({ finalStatus: 'canceled' });
      const c = (await call(base, '/v3/chat', { body: chatBody('q') })).body.data as ChatJson;
      await waitFor(() => fake.chat(c.id)?.status === 'canceled');
      fake.setBehavior({ finalStatus: 'failed', lastError: { code: 4013, msg: 'model error' } });
      const f = (await call(base, '/v3/chat', { body: chatBody('q') })).body.data as ChatJson;
      fake.setBehavior({ finalStatus: 'completed', usage: { token_count: 7, output_count: 3, input_count: 4 } });
      const u = (await call(base, '/v3/chat', { body: chatBody('q') })).body.data as ChatJson;
      await waitFor(() => fake.chat(f.id)?.status === 'failed' && fake.chat(u.id)?.status === 'completed');
      assert.deepEqual(fake.chat(f.id)?.lastError, { code: 4013, msg: 'model error' });
      const r = await call(base, `/v3/chat/retrieve?conversation_id=${u.conversation_id}&chat_id=${u.id}`);
      assert.deepEqual(r.body.data.usage, { token_count: 7, output_count: 3, input_count: 4 });
    });

    it('retrieve accepts POST (as coze-js sends) and answers 4200 for unknown chats, 4000 without ids', async () => {
      const c = (await call(base, '/v3/chat', { body: chatBody('q') })).body.data as ChatJson;
      const post = await call(base, `/v3/chat/retrieve?conversation_id=${c.conversation_id}&chat_id=${c.id}`, { method: 'POST' });
      assert.equal(post.body.code, 0);
      assert.equal(post.body.data.id, c.id);
      assert.equal((await call(base, `/v3/chat/retrieve?conversation_id=${c.conversation_id}&chat_id=7000000000000000001`)).body.code, 4200);
      assert.equal((await call(base, `/v3/chat/retrieve?conversation_id=7000000000000000001&chat_id=${c.id}`)).body.code, 4200);
      assert.equal((await call(base, `/v3/chat/message/list?conversation_id=${c.conversation_id}&chat_id=1`)).body.code, 4200);
      assert.equal((await call(base, `/v3/chat/retrieve?chat_id=${c.id}`)).body.code, 4000);
    });

    it('multi-turn: conversation_id in the query continues the conversation', async () => {
      const first = (await call(base, '/v3/chat', { body: chatBody('turn one') })).body.data as ChatJson;
      await waitFor(() => fake.chat(first.id)?.status === 'completed');
      const second = await call(base, `/v3/chat?conversation_id=${first.conversation_id}`, { body: chatBody('turn two') });
      assert.equal(second.body.data.conversation_id, first.conversation_id);
      assert.match(fake.chat(second.body.data.id)!.answers[0]!, /turn 2 of this conversation/);
      assert.equal(fake.requests.at(-1)!.query.conversation_id, first.conversation_id);
    });

    it('conversation_id in the BODY is ignored (new conversation) and recorded', async () => {
      const first = (await call(base, '/v3/chat', { body: chatBody('one') })).body.data as ChatJson;
      await waitFor(() => fake.chat(first.id)?.status === 'completed');
      const second = (await call(base, '/v3/chat', { body: chatBody('two', { conversation_id: first.conversation_id }) })).body.data as ChatJson;
      assert.notEqual(second.conversation_id, first.conversation_id);
      assert.equal(fake.requests.at(-1)!.conversationIdInBody, first.conversation_id);
      assert.equal(fake.chat(second.id)?.conversationIdInBody, first.conversation_id);
    });

    it('4016 while the conversation has a running chat; fine again once it ends', async () => {
      fake.setBehavior({ completeAfterMs: 150 });
      const first = (await call(base, '/v3/chat', { body: chatBody('one') })).body.data as ChatJson;
      const busy = await call(base, `/v3/chat?conversation_id=${first.conversation_id}`, { body: chatBody('two') });
      assert.equal(busy.status, 200);
      assert.equal(busy.body.code, 4016);
      assertLogid(busy);
      await waitFor(() => fake.chat(first.id)?.status === 'completed');
      assert.equal((await call(base, `/v3/chat?conversation_id=${first.conversation_id}`, { body: chatBody('two') })).body.code, 0);
    });

    describe('validation', () => {
      const cases: Array<[string, CallOptions, number]> = [
        ['non-JSON body', { raw: '{not json' }, 4000],
        ['numeric bot_id', { body: chatBody('q', { bot_id: 7445600453913968691 }) }, 4000],
        ['missing bot_id', { body: chatBody('q', { bot_id: undefined }) }, 4000],
        ['non-digit bot_id', { body: chatBody('q', { bot_id: 'my-bot' }) }, 4006],
        ['missing user_id', { body: chatBody('q', { user_id: undefined }) }, 4000],
        ['numeric user_id', { body: chatBody('q', { user_id: 42 }) }, 4000],
        [
          '101 additional_messages',
          { body: chatBody('q', { additional_messages: Array.from({ length: 101 }, () => ({ role: 'user', content: 'x', content_type: 'text' })) }) },
          4004,
        ],
        ['17 meta_data pairs', { body: chatBody('q', { meta_data: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }) }, 4003],
        ['stream:false with auto_save_history:false', { body: chatBody('q', { auto_save_history: false }) }, 4007],
      ];
      for (const [name, options, code] of cases) {
        it(`${name} → ${code}`, async () => {
          const r = await call(base, '/v3/chat', options);
          assert.equal(r.body.code, code, r.text);
          assertLogid(r);
          assert.equal(fake.chats.length, 0);
        });
      }

      it('unpublished bot → 4015', async () => {
        fake.setBehavior({ unpublishedBotIds: [BOT] });
        const r = await call(base, '/v3/chat', { body: chatBody('q') });
        assert.equal(r.body.code, 4015);
        assert.match(r.body.msg, /published/);
      });

      it('unknown conversation_id in the query → 4002', async () => {
        assert.equal((await call(base, '/v3/chat?conversation_id=7000000000000000001', { body: chatBody('q') })).body.code, 4002);
      });

      it('stream:true with auto_save_history:false is allowed', async () => {
        const r = await streamChat(base, chatBody('q', { auto_save_history: false }));
        assert.equal(r.res.status, 200);
        assert.equal(r.events.at(-1)?.event, 'done');
      });

      it('the question is the last user message', async () => {
        const r = await call(base, '/v3/chat', {
          body: chatBody('', {
            additional_messages: [
              { role: 'user', content: 'old question', content_type: 'text' },
              { role: 'assistant', type: 'answer', content: 'old answer', content_type: 'text' },
              { role: 'user', content: 'new question', content_type: 'text', name: 'ignored' },
            ],
          }),
        });
        assert.equal(fake.chat(r.body.data.id)?.question, 'new question');
      });
    });
  });

  describe('POST /v3/chat/cancel', () => {
    it('cancels an in_progress chat; it stays canceled; a second cancel is 4104', async () => {
      // In progress until the test ends its run by hand (a timer could end it before the cancel under load).
      fake.setBehavior({ completeAfterMs: 60_000 });
      const c = (await call(base, '/v3/chat', { body: chatBody('q') })).body.data as ChatJson;
      const r = await call(base, '/v3/chat/cancel', { body: { conversation_id: c.conversation_id, chat_id: c.id } });
      assert.equal(r.body.code, 0);
      assertLogid(r);
      assert.equal(r.body.data.status, 'canceled');
      assert.equal(fake.requests.at(-1)!.endpoint, 'cancel');
      fake.finishChat(c.id); // what the scheduled completion does when its time comes
      const after = await call(base, `/v3/chat/retrieve?conversation_id=${c.conversation_id}&chat_id=${c.id}`);
      assert.equal(after.body.data.status, 'canceled', 'the scheduled completion must not override the cancel');
      assert.equal(fake.chat(c.id)?.canceled, true);
      const again = await call(base, '/v3/chat/cancel', { body: { conversation_id: c.conversation_id, chat_id: c.id } });
      assert.equal(again.body.code, 4104);
      assertLogid(again);
      // The conversation is free again.
      assert.equal((await call(base, `/v3/chat?conversation_id=${c.conversation_id}`, { body: chatBody('q2') })).body.code, 0);
    });

    it('4104 for a completed chat, 4200 for an unknown one, 4000 without ids', async () => {
      const c = (await call(base, '/v3/chat', { body: chatBody('q') })).body.data as ChatJson;
      await waitFor(() => fake.chat(c.id)?.status === 'completed');
      assert.equal((await call(base, '/v3/chat/cancel', { body: { conversation_id: c.conversation_id, chat_id: c.id } })).body.code, 4104);
      assert.equal((await call(base, '/v3/chat/cancel', { body: { conversation_id: c.conversation_id, chat_id: '7000000000000000001' } })).body.code, 4200);
      assert.equal((await call(base, '/v3/chat/cancel', { body: {} })).body.code, 4000);
    });
  });

  describe('streaming', () => {
    it('emits the documented events in order, in the default format', async () => {
      fake.setBehavior({ answers: ['Hello, world! This is the answer.'], followUps: ['f1', 'f2'] });
      const { res, text, events } = await streamChat(base, chatBody('q'));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream');
      assert.ok((res.headers.get('x-tt-logid') ?? '').length >= 20);
      assert.match(text, /^event:conversation\.chat\.created\ndata:\{/, 'no space after the colon, LF');
      assert.ok(text.endsWith('event:done\ndata:"[DONE]"\n\n'));
      const names = events.map((e) => e.event);
      const deltas = names.filter((n) => n === 'conversation.message.delta').length;
      assert.deepEqual(names, [
        'conversation.chat.created',
        'conversation.chat.in_progress',
        ...Array<string>(deltas).fill('conversation.message.delta'),
        'conversation.message.completed',
        'conversation.message.completed',
        'conversation.message.completed',
        'conversation.message.completed',
        'conversation.chat.completed',
        'done',
      ]);
      assert.equal(deltas, Math.ceil('Hello, world! This is the answer.'.length / 8));
      const data = events.slice(0, -1).map((e) => JSON.parse(e.data));
      assert.equal(data[0].status, 'created');
      assert.equal(data[1].status, 'in_progress');
      const deltaMsgs = data.filter((_, i) => names[i] === 'conversation.message.delta') as MessageJson[];
      assert.equal(deltaMsgs.map((m) => m.content).join(''), 'Hello, world! This is the answer.');
      assert.ok(deltaMsgs.every((m) => Array.from(m.content).length <= 8 && m.type === 'answer' && m.id === deltaMsgs[0]!.id));
      const completed = data.filter((_, i) => names[i] === 'conversation.message.completed') as MessageJson[];
      assert.deepEqual(
        completed.map((m) => [m.type, m.type === 'verbose' ? '' : m.content]),
        [
          ['answer', 'Hello, world! This is the answer.'],
          ['verbose', ''],
          ['follow_up', 'f1'],
          ['follow_up', 'f2'],
        ],
      );
      assert.equal(completed[0]!.id, deltaMsgs[0]!.id);
      const final = data.at(-1) as ChatJson;
      assert.equal(final.status, 'completed');
      assert.ok(final.usage && final.usage.token_count > 0);
      assert.equal(fake.chat(final.id)?.status, 'completed');
      assert.equal(fake.chat(final.id)?.messages.length, 4);
    });

    it('deltas count Unicode code points and never split a surrogate pair', async () => {
      const answer = '中文😀😀😀🎉 mixed 𝕏𝕐 text';
      fake.setBehavior({ answers: [answer], deltaSize: 3 });
      const { events } = await streamChat(base, chatBody('q'));
      const parts = events.filter((e) => e.event === 'conversation.message.delta').map((e) => (JSON.parse(e.data) as MessageJson).content);
      assert.equal(parts.join(''), answer);
      for (const p of parts) {
        assert.ok(Array.from(p).length <= 3);
        assert.ok(!/[\uD800-\uDBFF]$/.test(p) && !/^[\uDC00-\uDFFF]/.test(p), `split surrogate in ${JSON.stringify(p)}`);
      }
    });

    it('format switches: space after colon, CRLF, bare done, no done', async () => {
      fake.setBehavior({ sse: { spaceAfterColon: true, crlf: true, done: 'bare' }, answers: ['a'] });
      const bare = await streamChat(base, chatBody('q'));
      assert.match(bare.text, /^event: conversation\.chat\.created\r\ndata: \{/);
      assert.ok(bare.text.endsWith('event: done\r\ndata: [DONE]\r\n\r\n'));
      fake.setBehavior({ sse: { done: 'none' } });
      const none = await streamChat(base, chatBody('q'));
      assert.equal(none.events.at(-1)?.event, 'conversation.chat.completed');
      assert.ok(none.text.includes('\r\n'), 'sse options merge key by key');
    });

    it('reasoning_content deltas come first, with empty content', async () => {
      fake.setBehavior({ answers: ['The answer.'], reasoning: 'Let me think about it.' });
      const { events } = await streamChat(base, chatBody('q'));
      const deltas = events.filter((e) => e.event === 'conversation.message.delta').map((e) => JSON.parse(e.data) as MessageJson);
      const firstContent = deltas.findIndex((d) => d.content !== '');
      assert.ok(firstContent > 0);
      assert.equal(deltas.slice(0, firstContent).map((d) => d.reasoning_content).join(''), 'Let me think about it.');
      assert.ok(deltas.slice(0, firstContent).every((d) => d.content === ''));
      assert.equal(deltas.slice(firstContent).map((d) => d.content).join(''), 'The answer.');
      const answer = events.map((e) => (e.event === 'conversation.message.completed' ? (JSON.parse(e.data) as MessageJson) : undefined)).find((m) => m?.type === 'answer');
      assert.equal(answer?.reasoning_content, 'Let me think about it.');
    });

    it('several answers, interleaved: deltas of different ids alternate', async () => {
      fake.setBehavior({ answers: ['AAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBB'], interleave: true, followUps: [] });
      const { events } = await streamChat(base, chatBody('q'));
      const deltas = events.filter((e) => e.event === 'conversation.message.delta').map((e) => JSON.parse(e.data) as MessageJson);
      assert.equal(deltas.length, 4);
      assert.notEqual(deltas[0]!.id, deltas[1]!.id);
      assert.equal(deltas[0]!.id, deltas[2]!.id);
      assert.deepEqual(
        deltas.map((d) => d.content[0]),
        ['A', 'B', 'A', 'B'],
      );
      const byId = new Map<string, string>();
      for (const d of deltas) byId.set(d.id, (byId.get(d.id) ?? '') + d.content);
      assert.deepEqual([...byId.values()], ['AAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBB']);
    });

    it('failed: part of an answer, then conversation.chat.failed with last_error', async () => {
      fake.setBehavior({ finalStatus: 'failed', answers: ['x'.repeat(40)] });
      const { events } = await streamChat(base, chatBody('q'));
      const names = events.map((e) => e.event);
      assert.ok(!names.includes('conversation.message.completed'));
      assert.ok(names.includes('conversation.message.delta'));
      assert.deepEqual(names.slice(-2), ['conversation.chat.failed', 'done']);
      const failed = JSON.parse(events.at(-2)!.data) as ChatJson;
      assert.equal(failed.status, 'failed');
      assert.deepEqual(failed.last_error, { code: 5000, msg: 'event interval error' });
      assert.equal(fake.chat(failed.id)?.status, 'failed');
    });

    it('requires_action: function_call message, then conversation.chat.requires_action', async () => {
      fake.setBehavior({ finalStatus: 'requires_action' });
      const { events } = await streamChat(base, chatBody('q'));
      assert.deepEqual(
        events.map((e) => e.event),
        ['conversation.chat.created', 'conversation.chat.in_progress', 'conversation.message.completed', 'conversation.chat.requires_action', 'done'],
      );
      assert.equal((JSON.parse(events[2]!.data) as MessageJson).type, 'function_call');
      const chat = JSON.parse(events[3]!.data) as ChatJson;
      assert.equal(chat.required_action?.submit_tool_outputs.tool_calls.length, 1);
    });

    it('chunking {bytes: 1} and random still reassemble to the same events', async () => {
      fake.setBehavior({ answers: ['你好，世界！这是一个回答。'], deltaSize: 2 });
      const reference = await streamChat(base, chatBody('q'));
      for (const chunking of [{ bytes: 1 }, { bytes: 7 }, 'random'] as const) {
        fake.setBehavior({ chunking, seed: 42 });
        const r = await streamChat(base, chatBody('q'));
        assert.deepEqual(
          r.events.map((e) => e.event),
          reference.events.map((e) => e.event),
        );
        const content = r.events.filter((e) => e.event === 'conversation.message.delta').map((e) => (JSON.parse(e.data) as MessageJson).content);
        assert.equal(content.join(''), '你好，世界！这是一个回答。');
      }
    });

    it('cancel during a stream: status canceled, the stream keeps flowing to the end', async () => {
      fake.setBehavior({ answers: ['x'.repeat(80)], deltaSize: 4, deltaIntervalMs: 10 });
      const res = await fetch(`${base}/v3/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody('q', { stream: true })),
      });
      const textPromise = res.text();
      await waitFor(() => fake.chats[0]?.status === 'in_progress');
      const chat = fake.chats[0]!;
      const cancel = await call(base, '/v3/chat/cancel', { body: { conversation_id: chat.conversationId, chat_id: chat.id } });
      assert.equal(cancel.body.data.status, 'canceled');
      const events = parseSse(await textPromise);
      assert.equal(events.at(-1)?.event, 'done', 'the stream ran to its end');
      assert.equal(fake.chat(chat.id)?.status, 'canceled');
      assert.equal(fake.chat(chat.id)?.canceled, true);
    });

    it('stops generating when the client disconnects; the run finishes on the server clock', async () => {
      fake.setBehavior({ answers: ['y'.repeat(400)], deltaSize: 4, deltaIntervalMs: 10, completeAfterMs: 50 });
      const ac = new AbortController();
      const res = await fetch(`${base}/v3/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody('q', { stream: true })),
        signal: ac.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      ac.abort();
      await reader.read().catch(() => undefined);
      await waitFor(() => fake.chats[0]?.clientDisconnected === true, 2000, 'disconnect noticed');
      const chat = fake.chats[0]!;
      assert.ok(chat.messages.length === 0, 'the answer was not completed on the wire');
      await waitFor(() => fake.chat(chat.id)?.status === 'completed', 2000, 'background completion');
      assert.equal(fake.chat(chat.id)?.messages.filter((m) => m.type === 'answer').length, 1);
    });
  });

  describe('faults', () => {
    it('http 502 with an nginx HTML page and no logid', async () => {
      fake.addFault({ endpoint: 'chat', kind: 'http', status: 502, body: 'html' });
      const r = await call(base, '/v3/chat', { body: chatBody('q') });
      assert.equal(r.status, 502);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(r.text, /<title>502 Bad Gateway<\/title>[\s\S]*nginx/);
      assert.equal(r.headers.get('x-tt-logid'), null);
      assert.equal(fake.chats.length, 0);
      assert.equal(fake.requests[0]!.fault, 'http');
      assert.equal((await call(base, '/v3/chat', { body: chatBody('q') })).body.code, 0, 'consumed after one use');
    });

    it('http empty 503; HTTP 200 with code 4009; 401 with 4100; truncated JSON', async () => {
      fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 503, body: 'empty' });
      fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 200, body: { code: 4009, msg: 'system busy' } });
      fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 401, body: { code: 4100, msg: 'authentication is invalid' } });
      fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 200, body: 'truncated-json' });
      const q = '/v3/chat/retrieve?conversation_id=1&chat_id=2';
      const empty = await call(base, q);
      assert.equal(empty.status, 503);
      assert.equal(empty.text, '');
      assert.equal(empty.headers.get('x-tt-logid'), null);
      const busy = await call(base, q);
      assert.equal(busy.status, 200);
      assert.equal(busy.body.code, 4009);
      assertLogid(busy);
      const auth = await call(base, q);
      assert.equal(auth.status, 401);
      assert.equal(auth.body.code, 4100);
      const truncated = await call(base, q);
      assert.equal(truncated.status, 200);
      assert.equal(truncated.body, undefined, 'not parseable');
      assert.ok(truncated.text.startsWith('{"code":0'));
      assert.ok((truncated.headers.get('x-tt-logid') ?? '').length >= 20);
      assert.equal((await call(base, q)).body.code, 4200, 'all consumed');
    });

    it('times, endpoint any, and the stream filter', async () => {
      fake.addFault({ endpoint: 'any', kind: 'http', status: 504, body: 'empty', times: 2 });
      assert.equal((await call(base, '/v3/chat/message/list?conversation_id=1&chat_id=2')).status, 504);
      assert.equal((await call(base, '/v3/chat/cancel', { body: {} })).status, 504);
      assert.equal((await call(base, '/v3/chat/cancel', { body: {} })).body.code, 4000);
      fake.addFault({ endpoint: 'chat', stream: true, kind: 'http', status: 502, body: 'html' });
      assert.equal((await call(base, '/v3/chat', { body: chatBody('q') })).status, 200, 'stream:false does not match');
      assert.equal((await streamChat(base, chatBody('q'))).res.status, 502);
    });

    it('reset: the connection is destroyed before headers', async () => {
      fake.addFault({ endpoint: 'chat', kind: 'reset' });
      await assert.rejects(call(base, '/v3/chat', { body: chatBody('q') }));
      assert.equal(fake.chats.length, 0);
      assert.equal(fake.requests[0]!.status, undefined);
    });

    it('hang: no answer, the socket stays open until the client gives up', async () => {
      fake.addFault({ endpoint: 'retrieve', kind: 'hang' });
      const started = Date.now();
      await assert.rejects(call(base, '/v3/chat/retrieve?conversation_id=1&chat_id=2', { signal: AbortSignal.timeout(200) }));
      assert.ok(Date.now() - started >= 190);
      assert.equal(fake.requests[0]!.fault, 'hang');
    });

    it('reset-mid-stream after N events', async () => {
      fake.addFault({ endpoint: 'chat', kind: 'reset-mid-stream', afterEvents: 3 });
      const res = await fetch(`${base}/v3/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody('q', { stream: true })),
      });
      const { text, outcome } = await readUntilIdle(res, 2000);
      assert.equal(outcome, 'error');
      assert.equal(parseSse(text).length, 3);
      // Not final on the wire: the run finishes in the background.
      await waitFor(() => fake.chats[0]?.status === 'completed');
    });

    it('stall-mid-stream after N events: silence, socket open', async () => {
      fake.addFault({ endpoint: 'chat', kind: 'stall-mid-stream', afterEvents: 2 });
      const res = await fetch(`${base}/v3/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody('q', { stream: true })),
      });
      const { text, outcome } = await readUntilIdle(res, 300);
      assert.equal(outcome, 'idle');
      assert.deepEqual(
        parseSse(text).map((e) => e.event),
        ['conversation.chat.created', 'conversation.chat.in_progress'],
      );
      assert.equal(fake.chats[0]!.status, 'in_progress');
    });

    it('error-event: event:error with {code,msg}, then the stream ends; the chat fails', async () => {
      fake.addFault({ endpoint: 'chat', kind: 'error-event', afterEvents: 2, code: 5000, msg: 'internal error' });
      const { events } = await streamChat(base, chatBody('q'));
      assert.deepEqual(
        events.map((e) => e.event),
        ['conversation.chat.created', 'conversation.chat.in_progress', 'error'],
      );
      assert.deepEqual(JSON.parse(events[2]!.data), { code: 5000, msg: 'internal error' });
      assert.deepEqual(fake.chats[0]!.lastError, { code: 5000, msg: 'internal error' });
      assert.equal(fake.chats[0]!.status, 'failed');
    });

    it('json-error-for-stream: application/json comes back although stream was asked', async () => {
      fake.addFault({ endpoint: 'chat', kind: 'json-error-for-stream', code: 4000, msg: 'bad request' });
      assert.equal((await call(base, '/v3/chat', { body: chatBody('q') })).body.code, 0, 'only matches stream requests');
      const { res, text } = await streamChat(base, chatBody('q'));
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(JSON.parse(text).code, 4000);
      assert.equal(JSON.parse(text).detail.logid, res.headers.get('x-tt-logid'));
    });

    it('slow-drip: the stream dribbles', async () => {
      fake.setBehavior({ answers: ['ok'], followUps: [] });
      const fast = Date.now();
      await streamChat(base, chatBody('q'));
      const fastMs = Date.now() - fast;
      fake.addFault({ endpoint: 'chat', kind: 'slow-drip', bytesPerWrite: 256, intervalMs: 20 });
      const slow = Date.now();
      const { text, events } = await streamChat(base, chatBody('q'));
      const slowMs = Date.now() - slow;
      const writes = Math.ceil(Buffer.byteLength(text) / 256);
      assert.ok(slowMs >= (writes - 1) * 20 - 5 && slowMs > fastMs, `slow ${slowMs} ms, fast ${fastMs} ms`);
      assert.equal(events.at(-1)?.event, 'done');
    });

    it('latencyMs delays every API call', async () => {
      fake.setBehavior({ latencyMs: 120 });
      const t = Date.now();
      await call(base, '/v3/chat/retrieve?conversation_id=1&chat_id=2');
      assert.ok(Date.now() - t >= 110);
    });

    it('rejects invalid faults and behavior in-process', () => {
      assert.throws(() => fake.addFault({ endpoint: 'chat', kind: 'nope' } as never), /unknown fault kind/);
      assert.throws(() => fake.setBehavior({ deltaSize: 0 }), /deltaSize/);
      assert.throws(() => fake.setBehavior({ typo: 1 } as never), /unknown behavior key/);
    });
  });

  describe('SseWriter', () => {
    const fmt = { spaceAfterColon: false, crlf: false, done: 'quoted' } as const;

    async function writes(chunking: 'event' | 'random' | { bytes: number }, seed = 1): Promise<Buffer[]> {
      const out: Buffer[] = [];
      const w = new SseWriter(async (b) => void out.push(b), { kind: 'chunking', chunking, seed }, new Timers());
      await w.send(formatEvent('conversation.message.delta', JSON.stringify({ content: '中文' }), fmt));
      await w.send(formatEvent('done', '"[DONE]"', fmt));
      await w.flush();
      return out;
    }

    it('{bytes: n} re-splits the whole output, inside multi-byte UTF-8 characters too', async () => {
      const out = await writes({ bytes: 4 });
      assert.ok(out.slice(0, -1).every((b) => b.length === 4));
      const whole = Buffer.concat(out).toString('utf8');
      assert.ok(whole.includes('中文') && whole.endsWith('data:"[DONE]"\n\n'));
      assert.ok(
        out.some((b) => b.toString('utf8').includes('\uFFFD')),
        'some write ends inside a multi-byte character',
      );
    });

    it("'random' is deterministic per seed", async () => {
      const a = (await writes('random', 7)).map((b) => b.length);
      const b = (await writes('random', 7)).map((b) => b.length);
      const c = (await writes('random', 8)).map((b) => b.length);
      assert.deepEqual(a, b);
      assert.notDeepEqual(a, c);
      assert.ok(a.length > 3);
    });

    it("'event' writes one buffer per event", async () => {
      assert.equal((await writes('event')).length, 2);
    });
  });

  describe('recording and the control API', () => {
    it('records method, path, query, lower-case headers, parsed body, monotonic startedAt, endpoint', async () => {
      const c = (await call(base, '/v3/chat', { body: chatBody('q') })).body.data as ChatJson;
      await call(base, `/v3/chat/retrieve?conversation_id=${c.conversation_id}&chat_id=${c.id}`);
      await call(base, `/v3/chat/message/list?conversation_id=${c.conversation_id}&chat_id=${c.id}`);
      const [chat, retrieve, list] = fake.requests as RecordedRequest[];
      assert.equal(chat!.method, 'POST');
      assert.equal(chat!.path, '/v3/chat');
      assert.equal(chat!.endpoint, 'chat');
      assert.equal((chat!.body as { bot_id: string }).bot_id, BOT);
      assert.equal(chat!.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(chat!.headers['content-type'], 'application/json');
      assert.equal(chat!.status, 200);
      assert.equal(chat!.code, 0);
      assert.equal(chat!.chatId, c.id);
      assert.equal(retrieve!.endpoint, 'retrieve');
      assert.deepEqual(retrieve!.query, { conversation_id: c.conversation_id, chat_id: c.id });
      assert.equal(list!.endpoint, 'list');
      assert.ok(chat!.startedAt <= retrieve!.startedAt && retrieve!.startedAt <= list!.startedAt);
    });

    it('POST /__fake/behavior, /__fake/faults, GET /__fake/requests (redacted), /__fake/chats, /__fake/reset', async () => {
      const control = async (method: string, p: string, body?: unknown): Promise<Reply> =>
        call(base, p, { method, token: null, ...(body === undefined ? {} : { body }) });

      const b = await control('POST', '/__fake/behavior', { answers: ['from control'], sse: { crlf: true } });
      assert.equal(b.status, 200);
      assert.deepEqual(b.body.behavior.answers, ['from control']);
      assert.equal(b.body.behavior.sse.crlf, true);
      assert.equal(b.body.behavior.sse.done, 'quoted');
      assert.equal((await control('POST', '/__fake/behavior', { deltaSize: 'big' })).status, 400);

      assert.equal((await control('POST', '/__fake/faults', [{ endpoint: 'retrieve', kind: 'http', status: 502, body: 'html' }])).body.queued, 1);
      assert.equal((await control('POST', '/__fake/faults', { endpoint: 'retrieve', kind: 'http', status: 503, body: 'empty' })).body.queued, 1);
      assert.equal((await control('POST', '/__fake/faults', { endpoint: 'x', kind: 'reset' })).status, 400);
      assert.equal((await call(base, '/v3/chat/retrieve?conversation_id=1&chat_id=2')).status, 502);
      assert.equal((await call(base, '/v3/chat/retrieve?conversation_id=1&chat_id=2')).status, 503);

      const c = (await call(base, '/v3/chat', { body: chatBody('q') })).body.data as ChatJson;
      const requests = await control('GET', '/__fake/requests');
      assert.equal(requests.body.length, 3, 'control calls are not recorded');
      assert.ok(!requests.text.includes(TOKEN), 'the token never leaves the process');
      assert.equal(requests.body[2].hasAuthorization, true);
      assert.equal(requests.body[2].headers.authorization, '[redacted]');
      const chats = await control('GET', '/__fake/chats');
      assert.equal(chats.body[0].id, c.id);
      assert.deepEqual(chats.body[0].answers, ['from control']);

      assert.equal((await control('POST', '/__fake/reset')).body.ok, true);
      assert.deepEqual((await control('GET', '/__fake/requests')).body, []);
      assert.deepEqual((await control('GET', '/__fake/chats')).body, []);
      assert.equal((await control('GET', '/__fake/behavior')).body.answers, undefined);
      assert.equal((await control('GET', '/__fake/nope')).status, 404);
    });

    it('a null in a patch puts the key back to its default', async () => {
      fake.setBehavior({ answers: ['x'], deltaSize: 2 });
      fake.setBehavior({ answers: null, deltaSize: null });
      assert.equal(fake.getBehavior().answers, undefined);
      assert.equal(fake.getBehavior().deltaSize, 8);
    });
  });

  describe('lifecycle', () => {
    it('close() ends hung requests and open streams promptly, leaving no sockets', async () => {
      const s = await FakeCozeServer.start({ behavior: { deltaIntervalMs: 50, completeAfterMs: 10_000 } });
      s.addFault({ endpoint: 'retrieve', kind: 'hang' });
      s.addFault({ endpoint: 'chat', kind: 'stall-mid-stream', afterEvents: 1 });
      const hung = call(s.url, '/v3/chat/retrieve?conversation_id=1&chat_id=2').catch((e: unknown) => e);
      const stalled = fetch(`${s.url}/v3/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(chatBody('q', { stream: true })),
      }).then((r) => r.text()).catch((e: unknown) => e);
      const streaming = fetch(`${s.url}/v3/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(chatBody('q', { stream: true })),
      }).then((r) => r.text()).catch((e: unknown) => e);
      await call(s.url, '/v3/chat', { body: chatBody('poll me') }); // schedules a 10 s completion timer
      await waitFor(() => s.requests.length === 4 && s.openConnections() >= 3);
      await sleep(50);
      const t = Date.now();
      await s.close();
      assert.ok(Date.now() - t < 1000, 'close is prompt');
      assert.equal(s.openConnections(), 0);
      await Promise.all([hung, stalled, streaming]);
      await s.close(); // idempotent
    });

    it('a process using the server exits by itself after close() (no leaked timers or sockets)', async () => {
      const index = path.join(__dirname, '..', 'fake-coze', 'index.js');
      const script = `
        const { FakeCozeServer } = require(${JSON.stringify(index)});
        (async () => {
          const s = await FakeCozeServer.start({ behavior: { completeAfterMs: 60000, deltaIntervalMs: 30, latencyMs: 5 } });
          const h = { authorization: 'Bearer pat_test_token' };
          const body = (stream) => JSON.stringify({ bot_id: '1', user_id: 'u', stream, additional_messages: [{ role: 'user', content: 'q' }] });
          s.addFault({ endpoint: 'list', kind: 'hang' });
          fetch(s.url + '/v3/chat/message/list?conversation_id=1&chat_id=2', { headers: h }).catch(() => {});
          fetch(s.url + '/v3/chat', { method: 'POST', headers: h, body: body(true) }).then(r => r.text()).catch(() => {});
          await fetch(s.url + '/v3/chat', { method: 'POST', headers: h, body: body(false) }).then(r => r.text());
          await new Promise(r => setTimeout(r, 100));
          await s.close();
          console.log('closed ' + s.openConnections());
        })();`;
      const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill();
          reject(new Error(`child did not exit; output: ${out}`));
        }, 5000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      assert.equal(code, 0);
      assert.equal(out.trim(), 'closed 0');
    });

    it('serves HTTPS when given a key and cert', async function () {
      const dir = mkdtempSync(path.join(tmpdir(), 'fake-coze-tls-'));
      try {
        try {
          execFileSync('openssl', [
            'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
            '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
            '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
          ], { stdio: 'ignore' });
        } catch {
          this.skip();
        }
        const key = readFileSync(path.join(dir, 'key.pem'));
        const cert = readFileSync(path.join(dir, 'cert.pem'));
        const s = await FakeCozeServer.start({ tls: { key, cert } });
        try {
          assert.match(s.url, /^https:\/\/127\.0\.0\.1:\d+$/);
          const body = await new Promise<string>((resolve, reject) => {
            const req = https.request(`${s.url}/v3/chat`, { method: 'POST', ca: cert, headers: { authorization: `Bearer ${TOKEN}` }, agent: false }, (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (d: string) => (text += d));
              res.on('end', () => resolve(text));
            });
            req.on('error', reject);
            req.end(JSON.stringify(chatBody('over tls')));
          });
          assert.equal(JSON.parse(body).code, 0);
        } finally {
          await s.close();
        }
        assert.equal(s.openConnections(), 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('cli: prints one line with the url, serves, and exits on SIGTERM', async () => {
      const cli = path.join(__dirname, '..', 'fake-coze', 'cli.js');
      const child = spawn(process.execPath, [cli, '--port', '0', '--token', 'pat_cli', '--complete-ms', '10', '--delta-ms', '0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        await waitFor(() => out.includes('\n'), 5000, 'the cli line');
        const m = /^Fake Coze listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(out);
        assert.ok(m, out);
        const r = await call(m[1]!, '/v3/chat', { body: chatBody('demo question', { stream: true }), token: 'pat_cli' });
        const events = parseSse(r.text);
        assert.equal(events.at(-1)?.event, 'done');
        assert.equal((await call(m[1]!, '/v3/chat', { body: chatBody('x') })).body.code, 4100, 'only --token tokens');
        const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        assert.equal(await exited, 0);
        assert.equal(out, m[0]);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });
  });
});
