// The retry policy (src/coze/retryPolicy.ts): which failures are retried, the backoff, its cap and jitter, and
// Retry-After in both forms. The random source and the clock are injected, so every figure is exact.

import { strict as assert } from 'node:assert';
import http from 'node:http';
import fc from 'fast-check';
import { CozeError, type RequestLogEntry } from '../../src/coze';
import { apiError, httpError } from '../../src/coze/decode';
import {
  MAX_RETRY_WAIT_MS,
  RETRY_CODES,
  RETRY_JITTER,
  RETRY_STATUSES,
  decideRetry,
  retryAfterMs,
  type RetryFailure,
  type RetryInput,
} from '../../src/coze/retryPolicy';
import { Transport } from '../../src/coze/transport';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const httpDate = (ms: number) => new Date(ms).toUTCString(); // IMF-fixdate: "Wed, 15 Jan 2025 12:00:05 GMT"

function decide(failure: RetryFailure, over: Partial<RetryInput> = {}) {
  return decideRetry({ attempt: 0, maxRetries: 5, failure, baseMs: 500, random: () => 0, nowMs: NOW, ...over });
}
const waitOf = (failure: RetryFailure, over: Partial<RetryInput> = {}): number | undefined => {
  const d = decide(failure, over);
  return d.retry ? d.waitMs : undefined;
};
const busy: RetryFailure = { kind: 'coze', code: 4009 };

describe('retry policy', () => {
  describe('which failures', () => {
    it('Coze codes 4009 / 4013 / 4020 / 5000 are retried; 4016 only when the request allows it', () => {
      for (const code of [4009, 4013, 4020, 5000]) assert.equal(waitOf({ kind: 'coze', code }), 500, `code ${code}`);
      assert.deepEqual(decide({ kind: 'coze', code: 4016 }), { retry: false });
      assert.deepEqual(decide({ kind: 'coze', code: 4016 }, { retryBusy: false }), { retry: false });
      assert.equal(waitOf({ kind: 'coze', code: 4016 }, { retryBusy: true }), 500);
    });

    it('other Coze codes are final (auth, bad parameters, not found, Studio 500, …), whatever the HTTP status', () => {
      for (const code of [4000, 4001, 4002, 4006, 4008, 4010, 4011, 4015, 4100, 4101, 4102, 4104, 4200, 700012006, 500, 103100001, -1]) {
        assert.deepEqual(decide({ kind: 'coze', code }, { retryBusy: true }), { retry: false }, `code ${code}`);
      }
    });

    it('5000 at most twice, even with more retries allowed', () => {
      const f: RetryFailure = { kind: 'coze', code: 5000 };
      assert.deepEqual([0, 1, 2, 3].map((attempt) => decide(f, { attempt, maxRetries: 5 }).retry), [true, true, false, false]);
      assert.deepEqual([0, 1].map((attempt) => decide(f, { attempt, maxRetries: 1 }).retry), [true, false]);
    });

    it('replies without a Coze code: 429 / 500 / 502 / 503 / 504 are retried, nothing else', () => {
      for (let status = 100; status < 600; status++) {
        assert.equal(decide({ kind: 'http', status }).retry, [429, 500, 502, 503, 504].includes(status), `HTTP ${status}`);
      }
    });

    it('network failures: retried when transient (as failures.ts classifies them), not otherwise; anything else never', () => {
      assert.equal(waitOf({ kind: 'network', transient: true }), 500);
      assert.deepEqual(decide({ kind: 'network', transient: false }), { retry: false });
      assert.deepEqual(decide({ kind: 'other' }), { retry: false });
    });

    it('maxRetries bounds the attempts: attempt n is retried only while n < maxRetries; 0 means never', () => {
      assert.deepEqual([0, 1, 2, 3].map((attempt) => decide(busy, { attempt, maxRetries: 3 }).retry), [true, true, true, false]);
      for (const f of [busy, { kind: 'http', status: 503 }, { kind: 'network', transient: true }] as RetryFailure[]) {
        assert.deepEqual(decide(f, { maxRetries: 0 }), { retry: false });
      }
    });

    it('agrees with the `retryable` flag decode.ts puts on the errors it makes', () => {
      const id = (s: string) => s;
      for (const code of [...Array.from({ length: 7000 }, (_, i) => i), 700012006, 103100001]) {
        assert.equal(apiError(code, 'm', undefined, 200, id).retryable, RETRY_CODES.has(code) || code === 4016, `code ${code}`);
      }
      for (let status = 100; status < 600; status++) {
        const err = httpError({ status, contentType: 'text/html', logId: undefined }, 'unreadable');
        assert.equal(err.retryable, RETRY_STATUSES.has(status), `HTTP ${status}`);
      }
    });
  });

  describe('how long', () => {
    it('exponential from the base: 0.5 s, 1 s, 2 s, 4 s … (no jitter drawn)', () => {
      assert.deepEqual(
        [0, 1, 2, 3, 4, 5].map((attempt) => waitOf(busy, { attempt, maxRetries: 10 })),
        [500, 1000, 2000, 4000, 8000, 16000],
      );
      assert.deepEqual([0, 1, 2].map((attempt) => waitOf(busy, { attempt, baseMs: 10 })), [10, 20, 40]);
    });

    it('no single wait is longer than the cap (30 s), however late the attempt', () => {
      assert.equal(MAX_RETRY_WAIT_MS, 30_000);
      assert.equal(waitOf(busy, { attempt: 6, maxRetries: 10 }), 30_000); // 32 s uncapped
      assert.equal(waitOf(busy, { attempt: 9, maxRetries: 10, random: () => 0.999 }), 30_000); // 256 s uncapped
      assert.equal(waitOf(busy, { attempt: 40, maxRetries: 50, baseMs: 1e6 }), 30_000);
    });

    it('jitter stretches each wait by 0–25 %, never shortens it, and follows the random source', () => {
      assert.equal(RETRY_JITTER, 0.25);
      assert.equal(waitOf(busy, { attempt: 1, random: () => 0.5 }), 1125);
      assert.equal(waitOf(busy, { attempt: 1, random: () => 0.999_999 }), 1250);
      // A misbehaving source cannot push a wait outside the window.
      assert.equal(waitOf(busy, { attempt: 1, random: () => -3 }), 1000);
      assert.equal(waitOf(busy, { attempt: 1, random: () => 7 }), 1250);
      assert.equal(waitOf(busy, { attempt: 1, random: () => NaN }), 1000);
    });

    it('jitter bounds, for any attempt, base and draw: backoff ≤ wait ≤ min(cap, 1.25 × backoff)', () => {
      fc.assert(
        fc.property(fc.nat({ max: 12 }), fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, baseMs, r) => {
          const backoff = baseMs * 2 ** attempt;
          const w = waitOf(busy, { attempt, maxRetries: 13, baseMs, random: () => r });
          assert.ok(w !== undefined);
          assert.ok(w >= Math.min(backoff, MAX_RETRY_WAIT_MS), `${w} < ${backoff}`);
          assert.ok(w <= Math.min(MAX_RETRY_WAIT_MS, Math.ceil(backoff * 1.25)), `${w} > 1.25 × ${backoff}`);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('Retry-After', () => {
    const unavailable: RetryFailure = { kind: 'http', status: 503 };

    it('delta-seconds: waits what the server asks when that is longer than the backoff', () => {
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': '1' }, baseMs: 1 }), 1000);
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': ' 7 ' } }), 7000);
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': '1' }, attempt: 2 }), 2000, 'backoff is longer: backoff');
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': '0' } }), 500);
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': '2' }, baseMs: 1, random: () => 0.5 }), 2250, 'jitter on top');
    });

    it('HTTP-date: waits until then; a date in the past asks for nothing more than the backoff', () => {
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': httpDate(NOW + 5000) } }), 5000);
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': httpDate(NOW - 60_000) } }), 500);
      // The two obsolete forms HTTP allows.
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': 'Wednesday, 15-Jan-25 12:00:09 GMT' } }), 9000);
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': 'Wed Jan 15 12:00:03 2025' } }), 3000, 'asctime is GMT, not local time');
    });

    it('capped like any wait', () => {
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': '3600' } }), MAX_RETRY_WAIT_MS);
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': httpDate(NOW + 86_400_000) } }), MAX_RETRY_WAIT_MS);
    });

    it('ignored when absent or unreadable: the backoff applies', () => {
      for (const v of ['', ' ', 'soon', '-1', '1.5', '1e3', '0x10', '12 s', 'Someday, 1 Jan 2025', 'Mon, 99 Foo 2025 99:99:99 GMT', '1 Jan 2025']) {
        assert.equal(waitOf(unavailable, { headers: { 'retry-after': v } }), 500, JSON.stringify(v));
      }
      assert.equal(waitOf(unavailable, { headers: {} }), 500);
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': undefined } }), 500);
      assert.equal(retryAfterMs(undefined, NOW), undefined);
    });

    it('a repeated header: the first value counts', () => {
      assert.equal(waitOf(unavailable, { headers: { 'retry-after': ['3', '20'] } }), 3000);
    });

    it('never makes a final failure retryable, nor an exhausted one', () => {
      assert.deepEqual(decide({ kind: 'http', status: 401 }, { headers: { 'retry-after': '1' } }), { retry: false });
      assert.deepEqual(decide({ kind: 'coze', code: 4100 }, { headers: { 'retry-after': '1' } }), { retry: false });
      assert.deepEqual(decide(unavailable, { headers: { 'retry-after': '1' }, attempt: 5 }), { retry: false });
    });

    it('applies to a retried Coze code too (a 4020 with Retry-After)', () => {
      assert.equal(waitOf({ kind: 'coze', code: 4020 }, { headers: { 'retry-after': '4' } }), 4000);
    });
  });

  describe('through the transport (a real socket)', () => {
    // The fake Coze server (test/fake-coze) cannot add headers to its faults, so a tiny server stands in.
    let server: http.Server;
    let replies: Array<(res: http.ServerResponse) => void> = [];
    const arrivals: number[] = [];
    let url = '';

    before(async () => {
      server = http.createServer((req, res) => {
        arrivals.push(performance.now());
        req.resume();
        const reply = replies.shift();
        if (reply) reply(res);
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0, msg: '', data: { ok: true } }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    beforeEach(() => {
      replies = [];
      arrivals.length = 0;
    });

    async function getWithRetries(): Promise<RequestLogEntry[]> {
      const logs: RequestLogEntry[] = [];
      const transport = new Transport({
        baseUrl: new URL(url),
        token: 'pat_retry_test',
        minIntervalMs: 0,
        maxRetries: 3,
        retryBaseMs: 1,
        limits: { connectMs: 5000, firstByteMs: 5000, idleMs: 5000 },
        onRequestLog: (e) => logs.push(e),
      });
      try {
        const r = await transport.json<{ ok: boolean }>({ method: 'GET', path: '/v3/chat/retrieve' }, new AbortController().signal);
        assert.deepEqual(r.data, { ok: true });
        return logs;
      } finally {
        await transport.close(new CozeError('canceled', 'done'));
      }
    }

    it("a gateway's 503 with Retry-After: 1 is honoured (the backoff alone would be 1 ms)", async function () {
      this.timeout(10_000);
      replies.push((res) => res.writeHead(503, { 'retry-after': '1', 'content-length': 0 }).end());
      const logs = await getWithRetries();
      assert.deepEqual(
        logs.map((l) => [l.status, l.willRetry]),
        [
          [503, true],
          [200, undefined],
        ],
      );
      const gap = arrivals[1]! - arrivals[0]!;
      assert.ok(gap >= 990, `retried after ${gap} ms`);
      assert.ok(gap < 1250 + 1000, `retried after ${gap} ms`); // at most 25 % jitter, plus a loaded machine's delay
    });

    it('an unreadable Retry-After is ignored: the backoff applies', async () => {
      replies.push((res) => res.writeHead(503, { 'retry-after': 'whenever', 'content-length': 0 }).end());
      replies.push((res) => res.writeHead(502, { 'content-type': 'text/html', 'content-length': 4 }).end('oops'));
      const logs = await getWithRetries();
      assert.deepEqual(logs.map((l) => l.status), [503, 502, 200]);
      assert.ok(arrivals[2]! - arrivals[0]! < 900, 'no second-long wait');
    });
  });
});
