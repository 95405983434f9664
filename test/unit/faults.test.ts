// The fault-injection suite: every way Coze, a gateway or the network fails, against the fake server and the real
// client. For each fault: the error's kind / code / logId / message are right, the text that had arrived is kept
// in partialText, and the same client then answers the next question correctly (assertAnswersNext).
// Retry gaps are checked as lower bounds from the client's own backoff, never as upper bounds.

import { strict as assert } from 'node:assert';
import { recordGrants } from '../load/soak';
import { FakeCozeServer } from '../fake-coze/server';
import { freePort } from './fixtures/tinyproxy';
import { BOT_ID, TOKEN, assertAnswersNext, eventually, expectCozeError, requestsTo, sleep, useFakeCoze } from './cozeTestKit';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';

describe('Faults (fault injection against the fake server)', () => {
  const kit = useFakeCoze();
  const logidOf = (endpoint: 'chat' | 'retrieve' | 'list' | 'cancel', i = -1) => requestsTo(kit.fake, endpoint).at(i)!.logid;

  describe('5xx and retries', () => {
    it('a burst of 5xx then recovery, for POST and GET alike, with exponential backoff', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 503, body: 'html', times: 3 });
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 500, body: 'empty', times: 2 });
      kit.fake.setBehavior({ answers: ['recovered'] });
      const client = kit.client({ maxRetries: 5, retryBaseMs: 10 });
      const grants: number[] = [];
      const restore = recordGrants(grants);
      const answer = await client.ask('Q', { mode: 'poll' }).finally(restore);
      assert.equal(answer.text, 'recovered');
      const chats = requestsTo(kit.fake, 'chat');
      assert.equal(chats.length, 4);
      // Retry n waits retryBaseMs * 2^n: 10, 20, 40 (lower bounds, on the limiter's clock: the starts of the
      // attempts; the fake's arrival times jitter).
      for (let n = 0; n < 3; n++) {
        const gap = grants[n + 1]! - grants[n]!;
        assert.ok(gap >= 10 * 2 ** n, `retry ${n}: gap ${gap}`);
      }
      assert.equal(kit.logs.filter((l) => l.willRetry).length, 5);
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });

    it('the stream request too: a gateway 502 before the stream is retried', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 502, body: 'html', times: 2 });
      kit.fake.setBehavior({ answers: ['streamed after 502'] });
      const answer = await kit.client().ask('Q');
      assert.equal(answer.text, 'streamed after 502');
      assert.equal(requestsTo(kit.fake, 'chat').length, 3);
    });

    it('all retries exhausted: maxRetries + 1 attempts, a network error naming the status, no gateway logid', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 504, body: 'empty', times: 6 });
      const client = kit.client({ maxRetries: 5, retryBaseMs: 1 });
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.kind, 'network');
      assert.equal(err.httpStatus, 504);
      assert.equal(err.logId, undefined, 'gateways add no logid');
      assert.equal(err.attempts, 6);
      assert.equal(err.retryable, true);
      assert.match(err.message, /HTTP 504 Gateway Timeout with an empty body.*Gave up after 6 attempts/);
      assert.deepEqual(
        kit.logs.map((l) => [l.attempt, l.willRetry]),
        [[0, true], [1, true], [2, true], [3, true], [4, true], [5, false]],
      );
      assert.equal(err.partialText, '');
      await assertAnswersNext(kit, client);
    });

    it('maxRetries 0 means one attempt', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 500, body: 'empty' });
      const client = kit.client({ maxRetries: 0 });
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.attempts, undefined);
      assert.equal(kit.fake.requests.length, 1);
      await assertAnswersNext(kit, client);
    });

    it('5000 is retried, but only twice (Coze also sends it for a wrong bot id)', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: { code: 5000, msg: 'internal' }, times: 3 });
      const client = kit.client({ maxRetries: 5 });
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 5000);
      assert.equal(err.logId, logidOf('chat'));
      assert.equal(kit.fake.requests.length, 3);
      assert.equal(err.attempts, 3);
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });
  });

  describe('connections', () => {
    it('connection refused → network "connection-refused" after the configured attempts; the client works once the server is back', async () => {
      const port = await freePort();
      const client = kit.client({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 2 });
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.kind, 'network');
      assert.equal(err.reason, 'connection-refused');
      assert.match(err.message, /Could not reach 127\.0\.0\.1:\d+ \(connection refused\)\. Gave up after 3 attempts\./);
      assert.equal(kit.logs.length, 3);
      const back = await FakeCozeServer.start({ port, behavior: { completeAfterMs: 20, deltaIntervalMs: 0, answers: ['back'] } });
      try {
        assert.equal((await client.ask('again')).text, 'back');
      } finally {
        await client.close();
        await back.close();
      }
    });

    it('a reset before the response headers is retried (POST and GET)', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'reset' });
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'reset' });
      kit.fake.setBehavior({ answers: ['after reset'] });
      const client = kit.client();
      const answer = await client.ask('Q', { mode: 'poll' });
      assert.equal(answer.text, 'after reset');
      const failed = kit.logs.filter((l) => l.status === undefined);
      assert.equal(failed.length, 2);
      for (const l of failed) {
        assert.match(l.error ?? '', /connection reset/);
        assert.equal(l.willRetry, true);
      }
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });

    it('resets that persist → network "connection-reset" after maxRetries + 1 attempts', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'reset', times: 3 });
      const client = kit.client({ maxRetries: 2 });
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.kind, 'network');
      assert.equal(err.reason, 'connection-reset');
      assert.equal(err.attempts, 3);
      assert.match(err.message, /connection reset/);
      await assertAnswersNext(kit, client);
    });

    it('a reset before the first stream byte is retried', async () => {
      kit.fake.setBehavior({ answers: ['fine'] });
      kit.fake.addFault({ endpoint: 'chat', kind: 'reset-mid-stream', afterEvents: 0 });
      const answer = await kit.client().ask('Q');
      assert.equal(answer.text, 'fine');
      assert.equal(requestsTo(kit.fake, 'chat').length, 2);
    });

    it('a reset mid-stream → network error with the stream’s logid and partialText, not retried, the chat canceled', async () => {
      kit.fake.setBehavior({ answers: [ALPHABET], deltaSize: 2, completeAfterMs: 5000 });
      kit.fake.addFault({ endpoint: 'chat', kind: 'reset-mid-stream', afterEvents: 5 });
      const client = kit.client();
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.kind, 'network');
      assert.equal(err.reason, 'connection-reset');
      assert.match(err.message, /The connection to Coze broke/);
      assert.equal(err.logId, logidOf('chat'));
      assert.equal(err.partialText, 'abcdef'); // created, in_progress, then 3 deltas of 2
      assert.equal(requestsTo(kit.fake, 'chat').length, 1);
      assert.equal(requestsTo(kit.fake, 'cancel').length, 1, 'the orphaned chat is canceled');
      assert.equal(kit.fake.chat(err.chatId!)!.status, 'canceled');
      await assertAnswersNext(kit, client, { conversationId: err.conversationId! });
    });

    it('a server that accepts the request and never answers → first-byte timeout, a POST not repeated', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'hang' });
      const client = kit.client({ requestTimeoutMs: 300 });
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'timeout');
      assert.equal(err.reason, 'first-byte-timeout');
      assert.match(err.message, /sent no reply within 0\.3 s/);
      assert.equal(kit.fake.requests.length, 1, 'it may have started a chat: not sent again');
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });

    it('a poll that never answers once is repeated (GET is idempotent)', async () => {
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'hang' });
      kit.fake.setBehavior({ answers: ['done'] });
      const answer = await kit.client({ requestTimeoutMs: 300 }).ask('Q', { mode: 'poll' });
      assert.equal(answer.text, 'done');
      assert.match(kit.logs.find((l) => l.error)!.error!, /sent no reply/);
    });

    it('a stream that stalls → idle timeout with the logid and partialText, the chat canceled', async () => {
      kit.fake.setBehavior({ answers: [ALPHABET], deltaSize: 2, completeAfterMs: 5000 });
      kit.fake.addFault({ endpoint: 'chat', kind: 'stall-mid-stream', afterEvents: 4 });
      const client = kit.client({ requestTimeoutMs: 300 });
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.kind, 'timeout');
      assert.equal(err.reason, 'idle-timeout');
      assert.match(err.message, /went silent for 0\.3 s/);
      assert.equal(err.logId, logidOf('chat'));
      assert.equal(err.partialText, 'abcd');
      assert.equal(kit.fake.chat(err.chatId!)!.status, 'canceled');
      await assertAnswersNext(kit, client);
    });

    it('a slow drip never times out while bytes keep coming within the idle timeout', async () => {
      const answer = '滴答'.repeat(60);
      kit.fake.setBehavior({ answers: [answer], followUps: [], deltaSize: 8 });
      // ≥ 3 KB of events in 48-byte writes 12 ms apart: the stream lasts ≥ 60 writes × 12 ms, about three times
      // the 250 ms idle timeout (and requestTimeoutMs), yet it is never silent for that long.
      kit.fake.addFault({ endpoint: 'chat', kind: 'slow-drip', bytesPerWrite: 48, intervalMs: 12 });
      const client = kit.client({ requestTimeoutMs: 250 });
      const progress: string[] = [];
      const got = await client.ask('Q', { onProgress: (p) => progress.push(p.text) });
      assert.equal(got.text, answer);
      assert.ok(progress.length >= 15, 'the text grew while it dripped');
      await assertAnswersNext(kit, client);
    });
  });

  describe('bodies that are not Coze JSON', () => {
    it('truncated JSON with HTTP 200 → protocol error with the logid, never the body, not retried', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: 'truncated-json' });
      const client = kit.client();
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'protocol');
      assert.equal(err.httpStatus, 200);
      assert.equal(err.logId, logidOf('chat'));
      assert.match(err.message, /HTTP 200 OK with a body that is not Coze JSON/);
      assert.ok(!err.message.includes('{'), 'no raw body in the message');
      assert.equal(kit.fake.requests.length, 1);
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });

    it('truncated JSON in answer to a stream request → protocol error', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: 'truncated-json' });
      const client = kit.client();
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.kind, 'protocol');
      assert.equal(err.logId, logidOf('chat'));
      await assertAnswersNext(kit, client);
    });

    it('a gateway HTML page (502) that persists: the message names the status, never the HTML', async () => {
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 502, body: 'html', times: 3 });
      const client = kit.client({ maxRetries: 2 });
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'network');
      assert.equal(err.httpStatus, 502);
      assert.match(err.message, /Coze is unavailable: HTTP 502 Bad Gateway with a body that is not Coze JSON/);
      assert.ok(!/<html|nginx|<\/?\w+>/i.test(err.message), err.message);
      assert.ok(err.chatId, 'the chat id is known');
      assert.equal(requestsTo(kit.fake, 'cancel').length, 1, 'the chat nobody waits for is canceled');
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });

    it('an empty 503 is handled without a crash', async () => {
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 503, body: 'empty', times: 2 });
      const client = kit.client({ maxRetries: 1 });
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.httpStatus, 503);
      assert.match(err.message, /HTTP 503 Service Unavailable with an empty body/);
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });

    it('a 404 HTML page suggests checking the base URL, not retried', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 404, body: 'html' });
      const client = kit.client();
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'protocol');
      assert.match(err.message, /HTTP 404 Not Found.*Check the base URL/);
      assert.equal(kit.fake.requests.length, 1);
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });
  });

  describe('the chat fails', () => {
    it('conversation.chat.failed (stream) → chat-failed with last_error, logid and the text so far', async () => {
      kit.fake.setBehavior({ answers: ['0123456789abcdefghij'], deltaSize: 2, finalStatus: 'failed', lastError: { code: 5000, msg: 'event interval error' } });
      const client = kit.client();
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.kind, 'chat-failed');
      assert.equal(err.code, 5000);
      assert.deepEqual(err.lastError, { code: 5000, msg: 'event interval error' });
      assert.equal(err.logId, logidOf('chat'));
      assert.match(err.message, /failed to answer \(code 5000: event interval error\)/);
      assert.ok(err.partialText.length > 0 && '0123456789abcdefghij'.startsWith(err.partialText), err.partialText);
      assert.equal(requestsTo(kit.fake, 'chat').length, 1, 'never retried once events arrived');
      assert.equal(requestsTo(kit.fake, 'cancel').length, 0, 'a failed chat is final: nothing to cancel');
      kit.fake.setBehavior({ finalStatus: 'completed' });
      await assertAnswersNext(kit, client, { conversationId: err.conversationId! });
    });

    it('failed (poll) → chat-failed with last_error and the logid of the poll that saw it', async () => {
      kit.fake.setBehavior({ finalStatus: 'failed', lastError: { code: 4013, msg: 'model error' } });
      const client = kit.client();
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'chat-failed');
      assert.equal(err.code, 4013);
      assert.equal(err.logId, logidOf('retrieve'));
      assert.equal(requestsTo(kit.fake, 'list').length, 0);
      kit.fake.setBehavior({ finalStatus: 'completed' });
      await assertAnswersNext(kit, client, { mode: 'poll', conversationId: err.conversationId! });
    });

    it('an error event mid-stream → api error with its code, msg, logid, partialText kept, not retried', async () => {
      kit.fake.setBehavior({ answers: [ALPHABET], deltaSize: 2 });
      kit.fake.addFault({ endpoint: 'chat', kind: 'error-event', afterEvents: 4, code: 4013, msg: 'model error' });
      const client = kit.client();
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 4013);
      assert.equal(err.logId, logidOf('chat'));
      assert.match(err.message, /Coze error 4013: model error \(logid \w+\)/);
      assert.equal(err.partialText, 'abcd');
      assert.equal(requestsTo(kit.fake, 'chat').length, 1, 'not retried once events arrived');
      await assertAnswersNext(kit, client);
    });
  });

  describe('Coze error codes', () => {
    it('4009 / 4013 / 4020 are retried with backoff, then succeed (poll and stream)', async () => {
      for (const code of [4009, 4013, 4020]) kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: { code, msg: 'busy' } });
      kit.fake.setBehavior({ answers: ['ok'] });
      const client = kit.client({ retryBaseMs: 5 });
      const grants: number[] = [];
      const restore = recordGrants(grants);
      assert.equal((await client.ask('Q', { mode: 'poll' }).finally(restore)).text, 'ok');
      const chats = requestsTo(kit.fake, 'chat');
      assert.deepEqual(chats.map((r) => r.code), [4009, 4013, 4020, 0]);
      for (let n = 0; n < 3; n++) assert.ok(grants[n + 1]! - grants[n]! >= 5 * 2 ** n, `retry ${n}`);
      kit.fake.addFault({ endpoint: 'chat', kind: 'json-error-for-stream', code: 4020, msg: 'rate limited', times: 2 });
      assert.equal((await client.ask('Q')).text, 'ok');
      assert.equal(requestsTo(kit.fake, 'chat').length, 7);
    });

    it('a busy code that persists → api error with the code, logid and the attempts', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: { code: 4009, msg: 'system busy' }, times: 3 });
      const client = kit.client({ maxRetries: 2 });
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 4009);
      assert.equal(err.retryable, true);
      assert.equal(err.logId, logidOf('chat'));
      assert.match(err.message, /Coze error 4009: system busy.*Gave up after 3 attempts/);
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });

    it('other 4xxx codes are not retried', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: { code: 4000, msg: 'bad request' } });
      const client = kit.client();
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.code, 4000);
      assert.equal(err.retryable, false);
      assert.equal(kit.fake.requests.length, 1);
      await assertAnswersNext(kit, client, { mode: 'poll' });
    });

    it('4015 (bot not published) tells how to fix it', async () => {
      kit.fake.setBehavior({ unpublishedBotIds: [BOT_ID] });
      const err = await expectCozeError(kit, kit.client().ask('Q', { mode: 'poll' }));
      assert.equal(err.code, 4015);
      assert.match(err.message, /publish/i);
    });

    it('a wrong token → api 4100 (HTTP 401) with code, msg, logid and the region hint, not retried, token nowhere', async () => {
      const client = kit.client({ token: 'pat_wrong_token' });
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 4100);
      assert.equal(err.httpStatus, 401);
      assert.equal(err.retryable, false);
      assert.equal(err.logId, logidOf('chat'));
      assert.ok(err.message.includes(`Coze error 4100: authentication is invalid (logid ${err.logId})`), err.message);
      assert.match(err.message, /region/);
      assert.equal(kit.fake.requests.length, 1, 'auth errors are not retried');
      assert.ok(!err.message.includes('pat_wrong_token') && !JSON.stringify(kit.logs).includes('pat_wrong_token'));
    });

    it('4101 with HTTP 200 is still an error (the body code decides)', async () => {
      kit.fake.setBehavior({ forbiddenTokens: [TOKEN] });
      const err = await expectCozeError(kit, kit.client().ask('Q'));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 4101);
      assert.equal(err.httpStatus, 200);
      assert.equal(kit.fake.requests.length, 1);
    });

    it('the token expires mid-session: the first questions work, then 4100 with no retry; a renewed token works again', async () => {
      const client = kit.client();
      const first = await client.ask('one');
      await client.ask('two', { conversationId: first.conversationId, mode: 'poll' });
      kit.fake.setBehavior({ expiredTokens: [TOKEN] });
      const before = kit.fake.requests.length;
      const err = await expectCozeError(kit, client.ask('three', { conversationId: first.conversationId }));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 4100);
      assert.equal(err.httpStatus, 401);
      assert.equal(err.retryable, false);
      assert.equal(err.logId, logidOf('chat'));
      assert.match(err.message, /4100: authentication is invalid: the access token has expired .*region/);
      assert.equal(kit.fake.requests.length, before + 1, 'one call, no retry');
      kit.fake.setBehavior({ expiredTokens: [] }); // the user renewed the token on Coze's side
      await assertAnswersNext(kit, client, { conversationId: first.conversationId });
    });

    it('the token expires while a question is being polled → 4100 from the poll, no retry, partialText empty', async () => {
      kit.fake.setBehavior({ completeAfterMs: 300 });
      const client = kit.client();
      const p = client.ask('Q', { mode: 'poll' });
      await eventually(() => requestsTo(kit.fake, 'retrieve').length >= 1, 2000, 'a first poll');
      kit.fake.setBehavior({ expiredTokens: [TOKEN] });
      const err = await expectCozeError(kit, p);
      assert.equal(err.code, 4100);
      assert.equal(err.logId, kit.fake.requests.find((r) => r.code === 4100)!.logid);
      assert.equal(kit.fake.requests.filter((r) => r.endpoint === 'retrieve' && r.code === 4100).length, 1);
      assert.equal(err.partialText, '');
      assert.ok(err.chatId && err.conversationId);
    });
  });

  describe('4016: another chat runs in the conversation', () => {
    const busy = () => kit.fake.requests.filter((r) => r.code === 4016).length;

    it('a question of this client still runs there: the next one waits for it without spending a call on 4016', async () => {
      kit.fake.setBehavior({ completeAfterMs: 150 });
      const client = kit.client();
      let conversationId: string | undefined;
      const first = client.ask('first', { mode: 'poll', onProgress: (p) => (conversationId ??= p.conversationId) });
      await eventually(() => conversationId !== undefined);
      kit.fake.setBehavior({ answerFor: { second: ['second answer'] } });
      const second = await client.ask('second', { conversationId });
      assert.equal(second.text, 'second answer');
      assert.equal(second.conversationId, conversationId);
      await first;
      assert.equal(busy(), 0);
      assert.equal(requestsTo(kit.fake, 'chat').length, 2);
    });

    it("ifConversationBusy 'cancel': the running question ends as canceled, its chat is canceled, the new one is answered", async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const client = kit.client();
      let ids: { conversationId?: string; chatId?: string } = {};
      const first = client.ask('first', { mode: 'poll', onProgress: (p) => (ids = p) });
      await eventually(() => ids.chatId !== undefined);
      kit.fake.setBehavior({ completeAfterMs: 20, answerFor: { second: ['second answer'] } });
      const second = await client.ask('second', { conversationId: ids.conversationId!, ifConversationBusy: 'cancel' });
      assert.equal(second.text, 'second answer');
      const err = await expectCozeError(kit, first);
      assert.equal(err.kind, 'canceled');
      assert.match(err.message, /replaced/);
      assert.equal(kit.fake.chat(ids.chatId!)!.status, 'canceled');
      assert.equal(busy(), 0);
    });

    it('a chat of this client left running (its cancel failed): 4016, then its status is polled until it ends, then the question is asked', async () => {
      kit.fake.setBehavior({ completeAfterMs: 400 });
      kit.fake.addFault({ endpoint: 'cancel', kind: 'http', status: 500, body: 'empty', times: 2 });
      const client = kit.client();
      const ac = new AbortController();
      let ids: { conversationId?: string; chatId?: string } = {};
      const first = client.ask('first', { mode: 'poll', signal: ac.signal, onProgress: (p) => (ids = p) });
      await eventually(() => ids.chatId !== undefined);
      ac.abort();
      assert.equal((await expectCozeError(kit, first)).kind, 'canceled');
      assert.equal(kit.fake.chat(ids.chatId!)!.status, 'in_progress', 'the cancel failed: still running');

      kit.fake.setBehavior({ answerFor: { second: ['second answer'] } });
      const second = await client.ask('second', { conversationId: ids.conversationId!, mode: 'poll' });
      assert.equal(second.text, 'second answer');
      assert.equal(busy(), 1, 'one 4016, then a wait instead of blind retries');
      const firstChatPolls = requestsTo(kit.fake, 'retrieve').filter((r) => r.query.chat_id === ids.chatId);
      assert.equal(firstChatPolls.at(-1)!.code, 0);
      assert.equal(kit.fake.chat(ids.chatId!)!.status, 'completed');
    });

    it("the same, with 'cancel': the left-running chat is canceled instead of waited for", async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      kit.fake.addFault({ endpoint: 'cancel', kind: 'http', status: 500, body: 'empty', times: 2 });
      const client = kit.client();
      const ac = new AbortController();
      let ids: { conversationId?: string; chatId?: string } = {};
      const first = client.ask('first', { mode: 'poll', signal: ac.signal, onProgress: (p) => (ids = p) });
      await eventually(() => ids.chatId !== undefined);
      ac.abort();
      await expectCozeError(kit, first);
      kit.fake.setBehavior({ completeAfterMs: 20, answerFor: { second: ['second answer'] } });
      const second = await client.ask('second', { conversationId: ids.conversationId!, ifConversationBusy: 'cancel' });
      assert.equal(second.text, 'second answer');
      assert.equal(kit.fake.chat(ids.chatId!)!.status, 'canceled');
    });

    it('a chat the client does not know (another window): 4016 is retried with backoff until it ends', async () => {
      kit.fake.setBehavior({ completeAfterMs: 150 });
      const other = kit.client();
      let conversationId: string | undefined;
      const theirs = other.ask('theirs', { mode: 'poll', onProgress: (p) => (conversationId ??= p.conversationId) });
      await eventually(() => conversationId !== undefined);
      const mine = kit.client({ maxRetries: 6, retryBaseMs: 10 });
      kit.fake.setBehavior({ answerFor: { mine: ['my answer'] } });
      const answer = await mine.ask('mine', { conversationId });
      assert.equal(answer.text, 'my answer');
      assert.ok(busy() >= 1);
      assert.ok(kit.logs.some((l) => l.code === 4016 && l.willRetry));
      await theirs;
    });

    it('an unknown chat that outlasts the retries → api 4016 with the attempts; once it ends the client works', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const other = kit.client();
      let ids: { conversationId?: string; chatId?: string } = {};
      const theirs = other.ask('theirs', { mode: 'poll', onProgress: (p) => (ids = p) }).catch(() => undefined);
      await eventually(() => ids.chatId !== undefined);
      const mine = kit.client({ maxRetries: 2, retryBaseMs: 5 });
      const err = await expectCozeError(kit, mine.ask('mine', { conversationId: ids.conversationId! }));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 4016);
      assert.equal(err.attempts, 3);
      assert.equal(err.retryable, true);
      assert.equal(err.logId, logidOf('chat'));
      assert.match(err.message, /4016.*still busy with another question.*Gave up after 3 attempts/);
      await other.cancel(ids.conversationId!, ids.chatId!);
      await theirs;
      await assertAnswersNext(kit, mine, { conversationId: ids.conversationId! });
    });

    it('the wait ends at once when the caller stops', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const client = kit.client();
      let conversationId: string | undefined;
      const first = client.ask('first', { mode: 'poll', onProgress: (p) => (conversationId ??= p.conversationId) });
      await eventually(() => conversationId !== undefined);
      const ac = new AbortController();
      const second = client.ask('second', { conversationId, signal: ac.signal });
      await sleep(20);
      ac.abort();
      assert.equal((await expectCozeError(kit, second)).kind, 'canceled');
      assert.equal(requestsTo(kit.fake, 'chat').length, 1, 'the waiting question sent nothing');
      await client.close();
      await first.catch(() => undefined);
    });
  });
});
