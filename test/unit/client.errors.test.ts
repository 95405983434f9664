import { strict as assert } from 'node:assert';
import { Agent, type Dispatcher } from 'undici';
import { CozeClient, CozeError, isCozeError, type CozeClientOptions, type RequestLogEntry } from '../../src/coze';
import { recordGrants } from '../load/soak';
import { TOKEN, eventually, expectCozeError, requestsTo, sleep, useFakeCoze } from './cozeTestKit';

describe('CozeClient errors, retries, timeouts and cancel (against the fake server)', () => {
  const kit = useFakeCoze();

  describe('stop and deadline', () => {
    it('abort via signal while polling → canceled promptly, and the running chat is canceled on Coze', async () => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      const ac = new AbortController();
      let chatId: string | undefined;
      const p = kit.client().ask('Q', { mode: 'poll', signal: ac.signal, onProgress: (pr) => (chatId ??= pr.chatId) });
      await eventually(() => requestsTo(kit.fake, 'retrieve').length >= 1, 2000, 'first poll');
      ac.abort();
      const polls = requestsTo(kit.fake, 'retrieve').length;
      const err = await expectCozeError(kit, p);
      assert.equal(err.kind, 'canceled');
      assert.equal(requestsTo(kit.fake, 'retrieve').length, polls, 'no poll after the stop');
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
      // The stream stops writing after a few deltas and stays open, so the deadline is what ends it, with text
      // already received (a deadline racing a still-running stream lost that race on a loaded machine).
      kit.fake.setBehavior({ answers: ['z'.repeat(500)], deltaSize: 1, deltaIntervalMs: 0, completeAfterMs: 5000 });
      kit.fake.addFault({ endpoint: 'chat', kind: 'stall-mid-stream', afterEvents: 6 });
      const err = await expectCozeError(kit, kit.client({ maxWaitMs: 1000 }).ask('Q'));
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
      const err = await expectCozeError(kit, kit.client({ maxWaitMs: 80, requestTimeoutMs: 200 }).ask('Q', { mode: 'poll' }));
      assert.equal(err.kind, 'timeout');
      assert.equal(err.reason, 'max-wait');
      // The cancel gave up on its own short deadline (not the 30 s default), and only once.
      const cancelLogs = kit.logs.filter((l) => l.path === '/v3/chat/cancel');
      assert.deepEqual(cancelLogs.map((l) => l.error), ['The cancel request took too long.']);
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
      ac.abort();
      const err = await expectCozeError(kit, second);
      assert.equal(err.kind, 'canceled');
      // That it leaves the queue at once (not at its slot) is rateLimiter.test.ts's, on a fake clock.
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
    it('spaces the starts of all requests across concurrent questions (the limiter’s grants, one per request)', async () => {
      // The poll chats stay in progress until each has been polled twice, and are then finished by hand: on a
      // timer they could finish before the first poll on a loaded machine, leaving too few requests to compare.
      kit.fake.setBehavior({ completeAfterMs: 60_000 });
      const client = kit.client({ minIntervalMs: 25, pollIntervalMs: 10 });
      // Grant instants on the limiter's own clock: arrival times at the fake jitter with the event loop.
      const grants: number[] = [];
      const restore = recordGrants(grants);
      try {
        const polled = Promise.all(['a', 'b'].map((q) => client.ask(q, { mode: 'poll' })));
        const streamed = client.ask('c');
        const pollChats = () => kit.fake.chats.filter((c) => !c.stream);
        await eventually(
          () => pollChats().length === 2 && pollChats().every((c) => requestsTo(kit.fake, 'retrieve').filter((r) => r.query.chat_id === c.id).length >= 2),
          10_000,
          'two polls of each poll chat',
        );
        for (const chat of pollChats()) kit.fake.finishChat(chat.id);
        await Promise.all([polled, streamed]);
      } finally {
        restore();
      }
      assert.equal(grants.length, kit.fake.requests.length, 'every request went through the limiter');
      assert.ok(grants.length >= 8);
      const sorted = [...grants].sort((x, y) => x - y);
      for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i]! - sorted[i - 1]! >= 25, `gap ${i}: ${sorted[i]! - sorted[i - 1]!}`);
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

    it('validates the options at construction → invalid-input naming the option', () => {
      const base: CozeClientOptions = { baseUrl: 'https://api.coze.cn', token: 'pat_x', botId: '1', userId: 'u' };
      const bad = (o: Partial<CozeClientOptions>, option: string, re: RegExp) => {
        try {
          new CozeClient({ ...base, ...o });
        } catch (e) {
          assert.ok(isCozeError(e));
          assert.equal(e.kind, 'invalid-input');
          assert.equal(e.invalidOption, option);
          assert.equal(e.retryable, false);
          assert.match(e.message, re);
          assert.ok(!e.message.includes('hunter22'), 'a proxy password is never echoed');
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
      bad({ botId: '' }, 'botId', /bot id is empty/);
      for (const botId of ['bot_123', '7445600453913968691x', '12 34', '-1', '1e9', '７４４５']) {
        bad({ botId }, 'botId', /bot id must contain only digits/);
      }
      bad({ userId: ' ' }, 'userId', /user id/);
      bad({ proxy: { url: 'http://bob:hunter22@[bad' } }, 'proxy', /proxy setting \(proxy\.url\) is not a valid URL/);
      bad({ proxy: { url: 'socks5://bob:hunter22@127.0.0.1:1080' } }, 'proxy', /only http:\/\/ and https:\/\/ proxies/);
      bad({ tls: { ca: 'not a certificate' } }, 'tls', /PEM/);
      bad({ dispatcher: new Agent(), proxy: { url: 'http://127.0.0.1:1' } }, 'dispatcher', /either a dispatcher or proxy/);
      for (const ok of ['http://localhost:1', 'http://127.0.0.1:1', 'http://127.1.2.3', 'http://[::1]:8080', 'https://api.coze.com/']) {
        void new CozeClient({ ...base, baseUrl: ok }).close();
      }
      // A bot id with spaces around is trimmed, like the token.
      void new CozeClient({ ...base, botId: ' 7445600453913968691 ' }).close();
    });

    it('an empty or whitespace-only question → invalid-input before any request', async () => {
      const client = kit.client();
      for (const q of ['', '   ', '\n\t \u3000', undefined as unknown as string]) {
        const err = await expectCozeError(kit, client.ask(q));
        assert.equal(err.kind, 'invalid-input');
        assert.equal(err.invalidOption, 'question');
        assert.match(err.message, /question is empty/);
      }
      assert.equal(kit.fake.requests.length, 0, 'nothing was sent');
      assert.equal((await client.ask('  real question  ')).text.length > 0, true);
      assert.equal((kit.fake.requests[0]!.body as { additional_messages: Array<{ content: string }> }).additional_messages[0]!.content, '  real question  ', 'sent as typed');
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
