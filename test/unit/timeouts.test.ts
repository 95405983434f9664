// Timeouts a user can reason about: connect, first byte, silence in the middle of a reply, the whole question.
// Each has its own error (kind, reason, message with its own duration). No assertion on elapsed wall-clock time.

import { strict as assert } from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import { Agent } from 'undici';
import { CozeError, type CozeClientOptions } from '../../src/coze';
import { AttemptTimer } from '../../src/coze/requestTimer';
import { FakeCozeServer } from '../fake-coze/server';
import { eventually, expectCozeError, requestsTo, sleep, useFakeCoze } from './cozeTestKit';

/** Accepts TCP connections and never sends a byte: a TLS handshake or a proxy CONNECT to it never completes. */
async function silentServer(): Promise<{ url: string; port: number; sockets: Set<Socket>; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.resume(); // read (and drop) whatever comes, so a FIN from the client is noticed
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `127.0.0.1:${port}`,
    port,
    sockets,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('Timeouts (connect, first byte, silence, whole question)', () => {
  const kit = useFakeCoze();
  let silent: Awaited<ReturnType<typeof silentServer>>;
  before(async () => {
    silent = await silentServer();
  });
  after(async () => {
    await silent.close();
  });

  const scenarios: Record<string, (o?: Partial<CozeClientOptions>) => Promise<CozeError>> = {
    connect: (o = {}) => expectCozeError(kit, kit.client({ baseUrl: `https://${silent.url}`, maxRetries: 0, ...o }).ask('Q')),
    firstByte: (o = {}) => {
      kit.fake.addFault({ endpoint: 'chat', kind: 'hang' });
      return expectCozeError(kit, kit.client(o).ask('Q', { mode: 'poll' }));
    },
    idle: (o = {}) => {
      kit.fake.setBehavior({ answers: ['abcdefghij'], deltaSize: 2, completeAfterMs: 5000 });
      kit.fake.addFault({ endpoint: 'chat', kind: 'stall-mid-stream', afterEvents: 4 });
      return expectCozeError(kit, kit.client(o).ask('Q'));
    },
    maxWait: (o = {}) => {
      kit.fake.setBehavior({ completeAfterMs: 5000 });
      return expectCozeError(kit, kit.client(o).ask('Q', { mode: 'poll' }));
    },
  };

  it('connect: a server that accepts TCP but never completes the TLS handshake → network "connect-timeout", retried, then gone', async () => {
    const err = await scenarios.connect!({ connectTimeoutMs: 120, maxRetries: 1 });
    assert.equal(err.kind, 'network');
    assert.equal(err.reason, 'connect-timeout');
    assert.equal(err.retryable, true, 'nothing was sent: safe to try again');
    assert.match(err.message, new RegExp(`^Could not connect to ${silent.url.replace(/\./g, '\\.')} within 0\\.12 s\\. Gave up after 2 attempts\\.$`));
    assert.equal(kit.logs.length, 2);
    // The half-open connections are freed (undici's own, coarser connect timer finishes them off).
    await eventually(() => silent.sockets.size === 0, 5000, 'the silent connections to close');
  });

  it('connect through a proxy that never answers CONNECT → "connect-timeout" naming the proxy', async () => {
    const err = await expectCozeError(kit, kit.client({ proxy: { url: `http://${silent.url}` }, connectTimeoutMs: 120, maxRetries: 0 }).ask('Q'));
    assert.equal(err.reason, 'connect-timeout');
    assert.match(err.message, new RegExp(`through the proxy http://${silent.url.replace(/\./g, '\\.')} within 0\\.12 s\\.$`));
    assert.equal(kit.fake.requests.length, 0);
  });

  it('first byte: the request was sent, no reply headers → timeout "first-byte-timeout"', async () => {
    const err = await scenarios.firstByte!({ firstByteTimeoutMs: 120 });
    assert.equal(err.kind, 'timeout');
    assert.equal(err.reason, 'first-byte-timeout');
    assert.equal(err.message, 'Coze received the request but sent no reply within 0.12 s.');
  });

  it('silence: the reply started, then nothing → timeout "idle-timeout", with what had arrived', async () => {
    const err = await scenarios.idle!({ streamIdleTimeoutMs: 250 });
    assert.equal(err.kind, 'timeout');
    assert.equal(err.reason, 'idle-timeout');
    assert.equal(err.message, 'Coze went silent for 0.25 s in the middle of its reply.');
    assert.equal(err.partialText, 'abcd');
  });

  it('the whole question: maxWaitMs → timeout "max-wait"', async () => {
    const err = await scenarios.maxWait!({ maxWaitMs: 120 });
    assert.equal(err.kind, 'timeout');
    assert.equal(err.reason, 'max-wait');
    assert.match(err.message, /^No complete answer from Coze within 0\.12 s \(the longest a question may take\)\.$/);
    assert.equal(kit.fake.chat(err.chatId!)!.status, 'canceled', 'the chat nobody waits for is canceled');
  });

  it('the four messages are distinct, and all default to requestTimeoutMs', async () => {
    const messages = new Set<string>();
    for (const [name, run] of Object.entries(scenarios)) {
      kit.fake.reset();
      const err = await run(name === 'maxWait' ? { maxWaitMs: 250 } : { requestTimeoutMs: 250 });
      assert.match(err.message, /0\.25 s/, `${name}: ${err.message}`);
      messages.add(err.message.replace(/127\.0\.0\.1:\d+/, 'HOST'));
    }
    assert.equal(messages.size, 4);
  });

  it('each option overrides requestTimeoutMs on its own', async () => {
    const long = { requestTimeoutMs: 60_000 };
    assert.match((await scenarios.firstByte!({ ...long, firstByteTimeoutMs: 110 })).message, /0\.11 s/);
    kit.fake.reset();
    assert.match((await scenarios.idle!({ ...long, streamIdleTimeoutMs: 210 })).message, /0\.21 s/);
    assert.match((await scenarios.connect!({ ...long, connectTimeoutMs: 110 })).message, /0\.11 s/);
  });

  it('a caller-supplied dispatcher gets the same timeouts', async () => {
    const agent = new Agent();
    try {
      const err = await scenarios.firstByte!({ dispatcher: agent, firstByteTimeoutMs: 100 });
      assert.equal(err.reason, 'first-byte-timeout');
    } finally {
      await agent.destroy();
    }
  });

  it('a question stopped while connecting ends at once as canceled', async () => {
    const ac = new AbortController();
    const p = kit.client({ baseUrl: `https://${silent.url}`, requestTimeoutMs: 60_000 }).ask('Q', { signal: ac.signal });
    await eventually(() => silent.sockets.size > 0, 2000, 'a connection');
    ac.abort();
    const err = await expectCozeError(kit, p);
    assert.equal(err.kind, 'canceled');
  });

  it('a slow reply that keeps sending is never cut: the silence timer restarts with every chunk', async () => {
    const expired: string[] = [];
    const timer = new AttemptTimer({ connectMs: 5000, firstByteMs: 5000, idleMs: 100 }, new AbortController().signal, (phase) => {
      expired.push(phase);
      return new CozeError('timeout', phase);
    });
    const fake = await FakeCozeServer.start();
    const agent = new Agent();
    try {
      // Drive the phases the way undici does, through the interceptor.
      const res = await timer.wrap(agent).request({ origin: fake.url, path: '/v3/chat', method: 'POST', body: '{}' });
      await res.body.text();
      for (let i = 0; i < 15; i++) {
        await sleep(20);
        timer.touch(); // 300 ms of activity, 20 ms apart: three times the idle timeout
      }
      assert.deepEqual(expired, []);
      assert.equal(timer.signal.aborted, false);
      await eventually(() => timer.signal.aborted, 2000, 'the idle timeout');
      assert.deepEqual(expired, ['body']);
      assert.equal((timer.signal.reason as CozeError).message, 'body');
    } finally {
      timer.dispose();
      await agent.destroy();
      await fake.close();
    }
    assert.equal(requestsTo(kit.fake, 'chat').length, 0);
  });
});
