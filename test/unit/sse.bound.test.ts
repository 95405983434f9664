// The SSE parser's bound on one event / one unfinished line (MAX_EVENT_CHARS): a server that never ends a line or
// an event fails the question with a protocol error once the bound is passed, instead of growing memory.

import { strict as assert } from 'node:assert';
import http from 'node:http';
import { CozeClient, isCozeError, type CozeError } from '../../src/coze';
import { MAX_EVENT_CHARS, SseParser, parseSse } from '../../src/coze/sse';

const enc = new TextEncoder();
const CHUNK = 64 * 1024;
const xs = enc.encode('x'.repeat(CHUNK));

function expectBoundError(fn: () => unknown): CozeError {
  try {
    fn();
  } catch (e) {
    assert.ok(isCozeError(e), `expected a CozeError, got ${String(e)}`);
    assert.equal(e.kind, 'protocol');
    assert.match(e.message, /longer than 8 Mi characters \(or a line that never ends\)/);
    return e;
  }
  assert.fail('expected the bound to be hit');
}

/** Pushes 64 KiB chunks of `x` after `head` until the parser throws; returns how many characters went in. */
function feedUntilError(p: SseParser, head: string, maxChars: number): { fed: number; error: CozeError } {
  let fed = head.length;
  p.push(enc.encode(head));
  const error = expectBoundError(() => {
    while (fed < maxChars) {
      fed += CHUNK;
      p.push(xs);
    }
  });
  return { fed, error };
}

describe('SseParser bound (MAX_EVENT_CHARS)', () => {
  it('is a few MiB: far above any real Coze event', () => {
    assert.equal(MAX_EVENT_CHARS, 8 * 1024 * 1024);
  });

  it('an endless data line past the limit → protocol error, as soon as the limit is passed', () => {
    const p = new SseParser();
    const { fed } = feedUntilError(p, 'event:conversation.message.delta\ndata:', 3 * MAX_EVENT_CHARS);
    assert.ok(fed > MAX_EVENT_CHARS, `failed early, at ${fed}`);
    assert.ok(fed <= MAX_EVENT_CHARS + 2 * CHUNK, `failed late, at ${fed}`);
  });

  it('20 MiB without a line end: the error comes once the limit is passed, and nothing more is buffered', () => {
    const p = new SseParser();
    const heapBefore = process.memoryUsage().heapUsed;
    const { fed, error } = feedUntilError(p, '', 20 * 1024 * 1024);
    assert.ok(fed > MAX_EVENT_CHARS && fed <= MAX_EVENT_CHARS + CHUNK, `error at ${fed} characters`);
    // Whatever comes next fails the same way without being kept (the rest of the 20 MiB, the end of the stream).
    for (let i = fed; i < 20 * 1024 * 1024; i += CHUNK) assert.equal(expectBoundError(() => p.push(xs)), error);
    assert.equal(expectBoundError(() => p.end()), error);
    // The ~8 MiB the parser held is released, not kept alongside the 12 MiB that followed (generous: GC is lazy).
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 60 * 1024 * 1024, 'heap grew too much');
  });

  it('an event whose many data lines together pass the limit → the same error (no blank line needed)', () => {
    const p = new SseParser();
    const line = enc.encode(`data:${'y'.repeat(CHUNK - 6)}\n`);
    let fed = 0;
    const err = expectBoundError(() => {
      for (;;) {
        if (fed > 2 * MAX_EVENT_CHARS) return;
        fed += line.length;
        p.push(line);
      }
    });
    assert.ok(fed > MAX_EVENT_CHARS && fed <= MAX_EVENT_CHARS + 2 * CHUNK, `error at ${fed}`);
    assert.equal(err.kind, 'protocol');
  });

  it('an event just under the limit still parses (one line in many chunks, or many lines)', () => {
    const value = '字'.repeat(MAX_EVENT_CHARS - 64); // one UTF-16 unit each, 3 UTF-8 bytes
    const bytes = enc.encode(`event:conversation.message.completed\ndata:${value}\n\n`);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 100_003) chunks.push(bytes.subarray(i, i + 100_003)); // cuts inside characters
    const evs = parseSse(chunks);
    assert.equal(evs.length, 1);
    assert.equal(evs[0]!.event, 'conversation.message.completed');
    assert.ok(evs[0]!.data === value, 'data intact');

    const lines = Array.from({ length: 64 }, () => `data:${'z'.repeat(MAX_EVENT_CHARS / 64 - 100)}\n`).join('');
    const many = parseSse([`event:e\n${lines}\n`, 'event:next\ndata:1\n\n']);
    assert.deepEqual(
      many.map((e) => [e.event, e.data.length]),
      [
        ['e', 64 * (MAX_EVENT_CHARS / 64 - 100) + 63],
        ['next', 1],
      ],
    );
  });

  it('the limit is per event: many events of a MiB each never add up to it', () => {
    const p = new SseParser();
    const ev = enc.encode(`event:conversation.message.delta\ndata:${'x'.repeat(1024 * 1024)}\n\n`);
    let n = 0;
    for (let i = 0; i < 24; i++) n += p.push(ev).length;
    n += p.end().length;
    assert.equal(n, 24);
  });

  it('events completed in the chunk that passes the limit are still delivered; the next call fails', () => {
    const p = new SseParser();
    assert.deepEqual(p.push('data:a\n\n'), [{ event: '', data: 'a' }]);
    const big = `event:ok\ndata:1\n\ndata:${'x'.repeat(MAX_EVENT_CHARS + 10)}`;
    assert.deepEqual(p.push(big), [{ event: 'ok', data: '1' }]);
    expectBoundError(() => p.push('\n\n'));
  });

  it('through the client: the question fails with the protocol error, keeps its partial text, and is not retried', async function () {
    this.timeout(20_000);
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(`${req.method} ${req.url?.split('?')[0]}`);
      req.resume();
      if (req.url?.startsWith('/v3/chat/cancel')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0, msg: '', data: {} }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-tt-logid': 'LOG1' });
      const chat = { id: 'chat1', conversation_id: 'conv1', status: 'in_progress' };
      res.write(`event:conversation.chat.created\ndata:${JSON.stringify(chat)}\n\n`);
      res.write(`event:conversation.message.delta\ndata:${JSON.stringify({ id: 'm1', type: 'answer', content: 'partial 扣子' })}\n\n`);
      res.write('event:conversation.message.delta\ndata:');
      let sent = 0;
      const more = (): void => {
        // Stop once the client hangs up (or after 40 MiB, in case it never does: the assertion below then fails).
        while (!res.destroyed && sent < 40 * 1024 * 1024) {
          sent += CHUNK;
          if (!res.write(xs)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const client = new CozeClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: 'pat_bound_test',
      botId: '7445600453913968691',
      userId: 'u',
      minIntervalMs: 0,
      maxRetries: 3,
      retryBaseMs: 1,
    });
    try {
      const err = await client.ask('Q', { mode: 'stream' }).then(
        () => assert.fail('expected the question to fail'),
        (e: unknown) => e,
      );
      assert.ok(isCozeError(err));
      assert.equal(err.kind, 'protocol');
      assert.match(err.message, /Mi characters/);
      assert.equal(err.partialText, 'partial 扣子');
      assert.equal(err.logId, 'LOG1');
      assert.equal(err.attempts, undefined);
      // One chat request (never repeated once events arrived), then the cancel of the chat left running.
      assert.deepEqual(paths, ['POST /v3/chat', 'POST /v3/chat/cancel']);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
