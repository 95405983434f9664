import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { CozeClient, CozeError, isCozeError, type RequestLogEntry } from '../../src/coze';
import { BOT_ID, TOKEN, eventually, expectCozeError, requestsTo, sleep, useFakeCoze } from './cozeTestKit';

describe('CozeClient errors, retries, timeouts and cancel (against the fake server)', () => {
  const kit = useFakeCoze();

  describe('API errors', () => {
    it('a wrong token → api 4100 (HTTP 401) naming code, msg and logid, not retried, token nowhere', async () => {
      const client = kit.client({ token: 'pat_wrong_token' });
      const err = await expectCozeError(kit, client.ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 4100);
      assert.equal(err.httpStatus, 401);
      assert.equal(err.retryable, false);
      const [req] = kit.fake.requests;
      assert.equal(err.logId, req!.logid);
      assert.ok(err.message.includes('4100') && err.message.includes('authentication is invalid'));
      assert.ok(err.message.includes(`logid ${req!.logid}`));
      assert.equal(kit.fake.requests.length, 1, 'auth errors are not retried');
      assert.ok(!err.message.includes('pat_wrong_token'));
      assert.ok(!JSON.stringify(kit.logs).includes('pat_wrong_token'));
    });

    it('4101 with HTTP 200 is still an error (the body code decides)', async () => {
      kit.fake.setBehavior({ forbiddenTokens: [TOKEN] });
      const err = await expectCozeError(kit, kit.client().ask('Q'));
      assert.equal(err.kind, 'api');
      assert.equal(err.code, 4101);
      assert.equal(err.httpStatus, 200);
      assert.equal(kit.fake.requests.length, 1);
    });

    it('4015 (bot not published) tells how to fix it', async () => {
      kit.fake.setBehavior({ unpublishedBotIds: [BOT_ID] });
      const err = await expectCozeError(kit, kit.client().ask('Q', { mode: 'poll' }));
      assert.equal(err.code, 4015);
      assert.match(err.message, /publish/i);
    });

    it('other 4xxx codes are not retried', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: { code: 4000, msg: 'bad request' }, times: 5 });
      const err = await expectCozeError(kit, kit.client().ask('Q', { mode: 'poll' }));
      assert.equal(err.code, 4000);
      assert.equal(kit.fake.requests.length, 1);
    });

    it('body codes 4009 / 4013 / 4020 are retried with backoff, then succeed', async () => {
      for (const code of [4009, 4013, 4020]) {
        kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: { code, msg: 'busy' } });
      }
      kit.fake.setBehavior({ answers: ['ok'] });
      const answer = await kit.client().ask('Q', { mode: 'poll' });
      assert.equal(answer.text, 'ok');
      assert.equal(requestsTo(kit.fake, 'chat').length, 4);
    });

    it('5000 is retried, but only twice', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: { code: 5000, msg: 'internal' }, times: 10 });
      const err = await expectCozeError(kit, kit.client({ maxRetries: 5 }).ask('Q', { mode: 'poll' }));
      assert.equal(err.code, 5000);
      assert.equal(kit.fake.requests.length, 3);
      assert.equal(err.attempts, 3);
    });
  });

  describe('bodies that are not Coze JSON', () => {
    it('a gateway HTML page (502) is retried; when it persists, the message names the status, never the HTML', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 502, body: 'html', times: 10 });
      const err = await expectCozeError(kit, kit.client({ maxRetries: 2 }).ask('Q', { mode: 'poll' }));
      assert.equal(err.httpStatus, 502);
      assert.match(err.message, /HTTP 502/);
      assert.ok(!/<html|nginx|<\/?\w+>/i.test(err.message), err.message);
      assert.equal(kit.fake.requests.length, 3);
    });

    it('an empty 503 is handled without a crash', async () => {
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 503, body: 'empty', times: 10 });
      const err = await expectCozeError(kit, kit.client({ maxRetries: 1 }).ask('Q', { mode: 'poll' }));
      assert.equal(err.httpStatus, 503);
      assert.match(err.message, /HTTP 503/);
      assert.match(err.message, /empty/);
    });

    it('truncated JSON with HTTP 200 → protocol error, no crash', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: 'truncated-json' });
      const err = await expectCozeError(kit, kit.client().ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'protocol');
      assert.equal(err.httpStatus, 200);
      assert.ok(err.logId);
      assert.ok(!err.message.includes('{'), 'no raw body in the message');
    });

    it('a 404 HTML page suggests checking the base URL', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 404, body: 'html' });
      const err = await expectCozeError(kit, kit.client().ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'protocol');
      assert.match(err.message, /base URL/);
      assert.equal(kit.fake.requests.length, 1);
    });
  });

  describe('retries', () => {
    it('a burst of 5xx then recovery, for POST and GET alike, with exponential backoff', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 503, body: 'html', times: 3 });
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 500, body: 'empty', times: 2 });
      kit.fake.setBehavior({ answers: ['recovered'] });
      const answer = await kit.client({ maxRetries: 5, retryBaseMs: 10 }).ask('Q', { mode: 'poll' });
      assert.equal(answer.text, 'recovered');
      const chats = requestsTo(kit.fake, 'chat');
      assert.equal(chats.length, 4);
      // Retry n waits retryBaseMs * 2^n: 10, 20, 40 (lower bounds only).
      for (let n = 0; n < 3; n++) {
        const gap = chats[n + 1]!.startedAt - chats[n]!.startedAt;
        assert.ok(gap >= 10 * 2 ** n - 3, `retry ${n}: gap ${gap}`);
      }
      const willRetry = kit.logs.filter((l) => l.willRetry).length;
      assert.equal(willRetry, 5);
    });

    it('retries exhausted: maxRetries + 1 attempts, and the message says so', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 504, body: 'empty', times: 20 });
      const err = await expectCozeError(kit, kit.client({ maxRetries: 5, retryBaseMs: 1 }).ask('Q'));
      assert.equal(requestsTo(kit.fake, 'chat').length, 6);
      assert.equal(err.attempts, 6);
      assert.match(err.message, /6 attempts/);
      assert.equal(err.retryable, true);
      assert.deepEqual(
        kit.logs.map((l) => [l.attempt, l.willRetry]),
        [[0, true], [1, true], [2, true], [3, true], [4, true], [5, false]],
      );
    });

    it('maxRetries 0 means one attempt', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 500, body: 'empty', times: 5 });
      await expectCozeError(kit, kit.client({ maxRetries: 0 }).ask('Q'));
      assert.equal(kit.fake.requests.length, 1);
    });

    it('a connection reset before the response is retried (POST and GET)', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'reset' });
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'reset' });
      kit.fake.setBehavior({ answers: ['after reset'] });
      const answer = await kit.client().ask('Q', { mode: 'poll' });
      assert.equal(answer.text, 'after reset');
      const failed = kit.logs.filter((l) => l.status === undefined);
      assert.equal(failed.length, 2);
      for (const l of failed) {
        assert.ok(l.error && /connection|reset|socket/i.test(l.error), l.error);
        assert.equal(l.willRetry, true);
      }
    });

    it('resets that persist → network error after maxRetries + 1 attempts', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'reset', times: 10 });
      const err = await expectCozeError(kit, kit.client({ maxRetries: 2 }).ask('Q'));
      assert.equal(err.kind, 'network');
      assert.equal(err.attempts, 3);
      assert.equal(kit.fake.requests.length, 3);
    });

    it('connection refused → network error after the configured attempts', async () => {
      const port = await freePort();
      const client = kit.client({ baseUrl: `http://127.0.0.1:${port}`, maxRetries: 2 });
      const err = await expectCozeError(kit, client.ask('Q'));
      assert.equal(err.kind, 'network');
      assert.match(err.message, /connection refused/);
      assert.match(err.message, /3 attempts/);
      assert.equal(kit.logs.length, 3);
    });

    it('a POST that hangs → timeout after requestTimeoutMs, not repeated (it may have started a chat)', async () => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'hang' });
      const t0 = performance.now();
      const err = await expectCozeError(kit, kit.client({ requestTimeoutMs: 150 }).ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'timeout');
      assert.ok(performance.now() - t0 >= 140);
      assert.equal(kit.fake.requests.length, 1);
    });

    it('a poll that hangs once is repeated (GET is idempotent)', async () => {
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'hang' });
      kit.fake.setBehavior({ answers: ['done'] });
      const answer = await kit.client({ requestTimeoutMs: 150 }).ask('Q', { mode: 'poll' });
      assert.equal(answer.text, 'done');
      assert.equal(kit.logs.find((l) => l.error)?.error?.includes('did not answer'), true);
    });
  });

  describe('stop and deadline', () => {
    it('abort via signal while polling → canceled promptly, and the running chat is canceled on Coze', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const ac = new AbortController();
      let chatId: string | undefined;
      const p = kit.client().ask('Q', { mode: 'poll', signal: ac.signal, onProgress: (pr) => (chatId ??= pr.chatId) });
      await eventually(() => requestsTo(kit.fake, 'retrieve').length >= 1, 2000, 'first poll');
      const t0 = performance.now();
      ac.abort();
      const err = await expectCozeError(kit, p);
      assert.ok(performance.now() - t0 < 1000, 'ends promptly');
      assert.equal(err.kind, 'canceled');
      assert.equal(err.chatId, chatId);
      const cancels = requestsTo(kit.fake, 'cancel');
      assert.equal(cancels.length, 1);
      assert.deepEqual(cancels[0]!.body, { conversation_id: err.conversationId, chat_id: chatId });
      assert.equal(kit.fake.chat(chatId!)!.status, 'canceled');
    });

    it('maxWaitMs while polling → timeout, and the chat is canceled', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const err = await expectCozeError(kit, kit.client({ maxWaitMs: 120 }).ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'timeout');
      assert.match(err.message, /0\.12 s/);
      assert.equal(kit.fake.chat(err.chatId!)!.status, 'canceled');
    });

    it('maxWaitMs while streaming → timeout with partialText, stream closed, chat canceled', async () => {
      kit.fake.setBehavior({ answers: ['z'.repeat(500)], deltaSize: 1, deltaIntervalMs: 5, completeAfterMs: 5000 });
      const err = await expectCozeError(kit, kit.client({ maxWaitMs: 150 }).ask('Q'));
      assert.equal(err.kind, 'timeout');
      assert.ok(err.partialText.length > 0 && /^z+$/.test(err.partialText));
      const chat = kit.fake.chat(err.chatId!)!;
      assert.equal(chat.status, 'canceled');
      assert.equal(requestsTo(kit.fake, 'cancel').length, 1);
    });

    it('a failing cancel does not mask the timeout', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      kit.fake.addFault({ endpoint: 'cancel', kind: 'http', status: 500, body: 'html', times: 10 });
      const err = await expectCozeError(kit, kit.client({ maxWaitMs: 100 }).ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'timeout');
      assert.ok(requestsTo(kit.fake, 'cancel').length >= 1);
    });

    it('a hanging cancel does not hold the error for long', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      kit.fake.addFault({ endpoint: 'cancel', kind: 'hang' });
      const t0 = performance.now();
      const err = await expectCozeError(kit, kit.client({ maxWaitMs: 80, requestTimeoutMs: 200 }).ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'timeout');
      assert.ok(performance.now() - t0 < 2000);
    });

    it('the cancel after a stop is not held back by queued polls of other questions', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const client = kit.client({ minIntervalMs: 30, pollIntervalMs: 1 });
      const others = [1, 2, 3].map(() => client.ask('other', { mode: 'poll', signal: AbortSignal.timeout(600) }).catch(() => undefined));
      const ac = new AbortController();
      const mine = client.ask('mine', { mode: 'poll', signal: ac.signal });
      await eventually(() => requestsTo(kit.fake, 'retrieve').length >= 4, 2000, 'polls');
      const stopAt = performance.now(); // the fake runs in this process: same clock as its startedAt
      ac.abort();
      const err = await expectCozeError(kit, mine);
      const cancel = requestsTo(kit.fake, 'cancel')[0]!;
      // It went ahead of the polls waiting in the limiter: at most the one already granted started in between.
      const between = kit.fake.requests.filter((r) => r.startedAt > stopAt && r.startedAt < cancel.startedAt);
      assert.ok(between.length <= 1, `${between.length} requests started before the cancel`);
      assert.equal(kit.fake.chat(err.chatId!)!.status, 'canceled');
      await Promise.all(others);
    });

    it('an already aborted signal → canceled at once, no request', async () => {
      const err = await expectCozeError(kit, kit.client().ask('Q', { signal: AbortSignal.abort() }));
      assert.equal(err.kind, 'canceled');
      assert.equal(kit.fake.requests.length, 0);
    });

    it('a question waiting in the rate limiter can be aborted without sending anything', async () => {
      const client = kit.client({ minIntervalMs: 300 });
      const first = client.ask('first', { mode: 'poll' });
      await eventually(() => kit.fake.requests.length === 1);
      const ac = new AbortController();
      const second = client.ask('second', { signal: ac.signal });
      await sleep(20);
      const t0 = performance.now();
      ac.abort();
      const err = await expectCozeError(kit, second);
      assert.equal(err.kind, 'canceled');
      assert.ok(performance.now() - t0 < 250, 'leaves the queue at once');
      assert.equal(kit.fake.requests.filter((r) => (r.body as { additional_messages?: Array<{ content: string }> })?.additional_messages?.[0]?.content === 'second').length, 0);
      await first;
    });

    it('client.cancel() cancels a running chat, and 4104 (already final) counts as success', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const client = kit.client();
      let ids: { c?: string; v?: string } = {};
      const p = client.ask('Q', { mode: 'poll', onProgress: (pr) => (ids = { c: pr.chatId, v: pr.conversationId }) });
      await eventually(() => ids.c !== undefined);
      await client.cancel(ids.v!, ids.c!);
      assert.equal(kit.fake.chat(ids.c!)!.status, 'canceled');
      const err = await expectCozeError(kit, p);
      assert.equal(err.kind, 'canceled'); // the poll saw the canceled status
      await client.cancel(ids.v!, ids.c!); // now final: 4104, resolves
      assert.equal(requestsTo(kit.fake, 'cancel').at(-1)!.code, 4104);
    });

    it('close() rejects running questions as canceled and later ones too', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const client = kit.client();
      const p = client.ask('Q', { mode: 'poll' });
      await eventually(() => requestsTo(kit.fake, 'retrieve').length >= 1);
      await client.close();
      const err = await expectCozeError(kit, p);
      assert.equal(err.kind, 'canceled');
      assert.equal(kit.fake.chat(err.chatId!)!.status, 'canceled');
      const later = await expectCozeError(kit, client.ask('again'));
      assert.equal(later.kind, 'canceled');
    });

    it('leaves no timers behind after success, stop and timeout', async () => {
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      kit.fake.setBehavior({ completeAfterMs: 40 });
      const client = kit.client({ minIntervalMs: 5, maxWaitMs: 400 });
      await sleep(1); // mocha arms its own test timer after the first await
      const baseline = timers();
      await client.ask('ok', { mode: 'poll' });
      await client.ask('ok');
      const ac = new AbortController();
      const stopped = client.ask('stop', { mode: 'poll', signal: ac.signal });
      await sleep(30);
      ac.abort();
      await stopped.catch(() => undefined);
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const timedOut = await expectCozeError(kit, client.ask('slow', { mode: 'poll' }));
      assert.equal(timedOut.kind, 'timeout');
      await client.close();
      kit.fake.reset(); // the fake's own completion timers
      await sleep(5);
      assert.ok(timers() <= baseline, `${timers()} timers now, ${baseline} before`);
    });
  });

  describe('rate limit, log, options', () => {
    it('spaces the starts of all requests across concurrent questions', async () => {
      kit.fake.setBehavior({ completeAfterMs: 80 });
      const client = kit.client({ minIntervalMs: 25, pollIntervalMs: 10 });
      const batch = () => Promise.all([client.ask('a', { mode: 'poll' }), client.ask('b', { mode: 'poll' }), client.ask('c')]);
      // The server clock sees a request when it arrives: a first batch warms up the code and opens the
      // keep-alive connections, so that connection setup does not blur the gaps measured in the second.
      await batch();
      const warm = kit.fake.requests.length;
      await batch();
      const starts = kit.fake.requests.slice(warm).map((r) => r.startedAt).sort((x, y) => x - y);
      assert.ok(starts.length >= 8);
      for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 25 - 5, `gap ${i}: ${starts[i]! - starts[i - 1]!}`);
    });

    it('logs one entry per attempt: method, path with query, status, code, logid, attempt, no token', async () => {
      kit.fake.addFault({ endpoint: 'retrieve', kind: 'http', status: 200, body: { code: 4009, msg: 'busy' } });
      const answer = await kit.client().ask('Q', { mode: 'poll' });
      const byPath = (p: string) => kit.logs.filter((l) => l.path.startsWith(p));
      assert.equal(byPath('/v3/chat?').length + byPath('/v3/chat').filter((l) => l.path === '/v3/chat').length, 1);
      const polls = byPath('/v3/chat/retrieve');
      assert.equal(polls[0]!.path, `/v3/chat/retrieve?conversation_id=${answer.conversationId}&chat_id=${answer.chatId}`);
      assert.deepEqual(
        { code: polls[0]!.code, attempt: polls[0]!.attempt, willRetry: polls[0]!.willRetry, status: polls[0]!.status },
        { code: 4009, attempt: 0, willRetry: true, status: 200 },
      );
      assert.equal(polls[1]!.attempt, 1);
      for (const l of kit.logs) {
        assert.equal(typeof l.durationMs, 'number');
        assert.ok(l.logId, 'every Coze reply has a logid');
        assert.equal(l.method, l.path.startsWith('/v3/chat/retrieve') || l.path.startsWith('/v3/chat/message') ? 'GET' : 'POST');
      }
      assert.equal(kit.fake.requests.length, kit.logs.length);
      assert.equal(kit.fake.requests[0]!.headers.authorization, `Bearer ${TOKEN}`);
    });

    it('the token appears only in the Authorization header, in every failure', async () => {
      const entries: RequestLogEntry[] = [];
      const client = kit.client({ onRequestLog: (e) => entries.push(e), maxRetries: 1 });
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 502, body: 'html', times: 2 });
      kit.fake.addFault({ endpoint: 'chat', kind: 'reset', times: 2 });
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 200, body: 'truncated-json' });
      kit.fake.addFault({ endpoint: 'chat', kind: 'http', status: 401, body: { code: 4100, msg: `bad token ${TOKEN}` } });
      const errs: unknown[] = [];
      for (let i = 0; i < 4; i++) errs.push(await expectCozeError(kit, client.ask('Q')));
      const echoed = errs[3] as CozeError;
      assert.equal(echoed.code, 4100);
      assert.ok(!echoed.message.includes(TOKEN), 'a msg that echoes the token is redacted');
      for (const r of kit.fake.requests) {
        const { authorization, ...rest } = r.headers;
        assert.equal(authorization, `Bearer ${TOKEN}`);
        assert.ok(!JSON.stringify(rest).includes(TOKEN) && !JSON.stringify(r.body).includes(TOKEN) && !JSON.stringify(r.query).includes(TOKEN));
      }
      for (const e of entries) assert.ok(!JSON.stringify(e).includes(TOKEN));
    });

    it('validates the options: https required (http only for loopback), non-empty token, bot and user', () => {
      const base = { baseUrl: 'https://api.coze.cn', token: 'pat_x', botId: '1', userId: 'u' };
      const bad = (o: Partial<typeof base>, option: string, re: RegExp) => {
        try {
          new CozeClient({ ...base, ...o });
        } catch (e) {
          assert.ok(isCozeError(e));
          assert.equal(e.invalidOption, option);
          assert.match(e.message, re);
          return;
        }
        assert.fail(`accepted ${JSON.stringify(o)}`);
      };
      bad({ baseUrl: 'http://api.coze.cn' }, 'baseUrl', /https/);
      bad({ baseUrl: 'http://10.0.0.1:8080' }, 'baseUrl', /https/);
      bad({ baseUrl: 'ftp://x' }, 'baseUrl', /https/);
      bad({ baseUrl: 'not a url' }, 'baseUrl', /valid URL/);
      bad({ token: '   ' }, 'token', /empty/);
      bad({ token: 'pat a b' }, 'token', /spaces/);
      bad({ botId: '' }, 'botId', /bot id/);
      bad({ userId: ' ' }, 'userId', /user id/);
      for (const ok of ['http://localhost:1', 'http://127.0.0.1:1', 'http://127.1.2.3', 'http://[::1]:8080', 'https://api.coze.com/']) {
        void new CozeClient({ ...base, baseUrl: ok }).close();
      }
    });

    it('trims the token', async () => {
      const answer = await kit.client({ token: `  ${TOKEN}\n` }).ask('Q');
      assert.ok(answer.text.length > 0);
      assert.equal(kit.fake.requests[0]!.headers.authorization, `Bearer ${TOKEN}`);
    });

    it('uses a supplied dispatcher (for proxies) and leaves it open on close()', async () => {
      let dispatched = 0;
      class CountingAgent extends Agent {
        override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
          dispatched++;
          return super.dispatch(opts, handler);
        }
      }
      const agent = new CountingAgent();
      const client = kit.client({ dispatcher: agent });
      await client.ask('Q');
      await client.close();
      assert.equal(dispatched, 1);
      assert.equal(agent.closed, false);
      await agent.close();
    });

    it('isCozeError is duck-typed (works across bundles)', () => {
      assert.equal(isCozeError({ name: 'CozeError', kind: 'api', message: 'x' }), true);
      assert.equal(isCozeError(new Error('x')), false);
      assert.equal(isCozeError(new CozeError('timeout', 'x')), true);
      assert.equal(new CozeError('api', 'x').name, 'CozeError');
      assert.equal(new CozeError('api', 'x').partialText, '');
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
