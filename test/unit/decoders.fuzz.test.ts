// Property-based tests (fast-check) of the response decoders: the JSON body decoder and the stream decoder (SSE →
// chat state), with random chunking and random bytes. No crash (only CozeErrors), no hang (all synchronous), and the
// same outcome for any chunking of the same bytes. The SSE parser's own properties are in sse.test.ts.

import { strict as assert } from 'node:assert';
import http from 'node:http';
import fc from 'fast-check';
import { isCozeError } from '../../src/coze';
import { ChatState } from '../../src/coze/chatState';
import { decodeCozeJson } from '../../src/coze/decode';
import { StreamDecoder } from '../../src/coze/streamDecoder';
import { Transport } from '../../src/coze/transport';
import { chunkAt as chunkBytes } from './chunking';

const enc = new TextEncoder();
const KINDS = new Set(['api', 'network', 'protocol', 'chat-failed', 'requires-action', 'canceled']);
const redact = (s: string) => s.split('pat_secret_token').join('***');

/** fast-check hands over any integers: wrap them into the stream's length first. */
function chunkAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  return chunkBytes(bytes, cuts.map((c) => (bytes.length ? c % bytes.length : 0)));
}

/** What a decoded stream amounts to: the answer so far and how it ended (an error's kind, code and message). */
function decodeStream(chunks: Uint8Array[]): { text: string; answers: string[]; followUps: string[]; status?: string; chatId?: string; error?: string } {
  const state = new ChatState(undefined);
  const decoder = new StreamDecoder({ state, meta: { status: 200, contentType: 'text/event-stream', logId: 'L1' }, redact, onProgress: () => undefined });
  let error: string | undefined;
  try {
    for (const c of chunks) {
      decoder.push(c);
      if (decoder.done) break;
    }
    if (!decoder.done) decoder.end();
  } catch (e) {
    assert.ok(isCozeError(e), `only CozeErrors, got ${String(e)}`);
    assert.ok(KINDS.has(e.kind), e.kind);
    assert.ok(!e.message.includes('pat_secret_token'), 'redacted');
    error = `${e.kind}/${e.code ?? ''}/${e.message}`;
  }
  const out: ReturnType<typeof decodeStream> = { text: state.answers.text, answers: state.answers.answers, followUps: [...state.answers.followUps] };
  if (state.status) out.status = state.status;
  if (state.chatId) out.chatId = state.chatId;
  if (error) out.error = error;
  return out;
}

// A Coze stream: chat.created, in_progress, deltas of 1–3 interleaved answer messages, their completed events,
// follow-ups, then chat.completed and done, with the format variations seen in the wild.
const textArb = fc.string({ unit: 'grapheme', maxLength: 12 });
const streamArb = fc
  .record({
    answers: fc.array(fc.array(textArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
    followUps: fc.array(textArb.filter((t) => t.trim() !== ''), { maxLength: 2 }),
    order: fc.array(fc.nat(), { maxLength: 40 }),
    space: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    done: fc.constantFrom('"[DONE]"', '[DONE]', null),
    keepAlive: fc.boolean(),
  })
  .map((s) => {
    const sep = s.space ? ': ' : ':';
    const ev = (name: string, data: unknown) => `event${sep}${name}${s.eol}data${sep}${typeof data === 'string' ? data : JSON.stringify(data)}${s.eol}${s.eol}`;
    const chat = { id: 'c1', conversation_id: 'v1' };
    let out = ev('conversation.chat.created', { ...chat, status: 'created' }) + ev('conversation.chat.in_progress', { ...chat, status: 'in_progress' });
    // Interleave the answers' deltas in a random (but per-answer ordered) way.
    const next = s.answers.map(() => 0);
    const firstSeen: number[] = []; // the client keeps answers in order of first appearance
    let k = 0;
    while (next.some((n, i) => n < s.answers[i]!.length)) {
      const open = next.map((n, i) => (n < s.answers[i]!.length ? i : -1)).filter((i) => i >= 0);
      const i = open[(s.order[k++] ?? 0) % open.length]!;
      if (!firstSeen.includes(i)) firstSeen.push(i);
      out += ev('conversation.message.delta', { id: `m${i}`, chat_id: 'c1', conversation_id: 'v1', role: 'assistant', type: 'answer', content: s.answers[i]![next[i]!++], content_type: 'text' });
      if (s.keepAlive && k % 3 === 0) out += `:ping${s.eol}`;
    }
    s.answers.forEach((parts, i) => {
      out += ev('conversation.message.completed', { id: `m${i}`, type: 'answer', content: parts.join(''), content_type: 'text' });
    });
    out += ev('conversation.message.completed', { id: 'v', type: 'verbose', content: '{"msg_type":"generate_answer_finish"}' });
    for (const f of s.followUps) out += ev('conversation.message.completed', { id: 'f', type: 'follow_up', content: f });
    out += ev('conversation.chat.completed', { ...chat, status: 'completed', usage: { token_count: 3, output_count: 2, input_count: 1 } });
    if (s.done) out += ev('done', s.done);
    const answers = firstSeen.map((i) => s.answers[i]!.join('')).filter((a) => a !== '');
    return { bytes: enc.encode(out), answers, followUps: s.followUps };
  });

describe('Decoders (property-based)', () => {
  describe('stream decoder (SSE → answer)', () => {
    it('a generated Coze stream gives its answers, whatever the chunking (inside lines, inside UTF-8 characters)', () => {
      fc.assert(
        fc.property(streamArb, fc.array(fc.nat(), { maxLength: 30 }), ({ bytes, answers, followUps }, cuts) => {
          const whole = decodeStream([bytes]);
          assert.equal(whole.error, undefined, whole.error);
          assert.equal(whole.status, 'completed');
          assert.equal(whole.chatId, 'c1');
          assert.deepEqual(whole.answers, answers);
          assert.equal(whole.text, answers.join('\n\n'));
          assert.deepEqual(whole.followUps, followUps);
          assert.deepEqual(decodeStream(chunkAt(bytes, cuts)), whole);
          // Byte by byte, the worst case.
          assert.deepEqual(decodeStream(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1))), whole);
        }),
        { numRuns: 200 },
      );
    });

    it('a damaged stream (bytes flipped, cut short, junk inserted) only ever ends in a CozeError or an answer, the same for any chunking', () => {
      const damaged = fc
        .tuple(streamArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.option(fc.nat()), fc.uint8Array({ maxLength: 20 }), fc.nat())
        .map(([{ bytes }, flips, cutAt, junk, junkAt]) => {
          const b = Uint8Array.from(bytes);
          for (const [at, v] of flips) if (b.length) b[at % b.length] = v;
          const cut = cutAt === null ? b : b.subarray(0, cutAt % (b.length + 1));
          const at = junkAt % (cut.length + 1);
          return Uint8Array.from([...cut.subarray(0, at), ...junk, ...cut.subarray(at)]);
        });
      fc.assert(
        fc.property(damaged, fc.array(fc.nat(), { maxLength: 20 }), (bytes, cuts) => {
          assert.deepEqual(decodeStream(chunkAt(bytes, cuts)), decodeStream([bytes]));
        }),
        { numRuns: 300 },
      );
    });

    it('random bytes never crash the decoder and decode the same however chunked', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 15 }), (bytes, cuts) => {
          assert.deepEqual(decodeStream(chunkAt(bytes, cuts)), decodeStream([bytes]));
        }),
        { numRuns: 400 },
      );
    });

    it('events with random JSON data never crash it (wrong types, missing fields, arrays, nulls)', () => {
      const names = fc.constantFrom(
        'conversation.chat.created',
        'conversation.chat.in_progress',
        'conversation.message.delta',
        'conversation.message.completed',
        'conversation.chat.completed',
        'conversation.chat.failed',
        'conversation.chat.requires_action',
        'error',
        'done',
        'conversation.audio.delta',
        '',
      );
      const data = fc.oneof(fc.json(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.record({ id: fc.jsonValue(), type: fc.jsonValue(), content: fc.jsonValue(), code: fc.jsonValue(), msg: fc.jsonValue(), last_error: fc.jsonValue(), status: fc.jsonValue() }).map((v) => JSON.stringify(v)));
      fc.assert(
        fc.property(fc.array(fc.tuple(names, data), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 10 }), (events, cuts) => {
          const bytes = enc.encode(events.map(([n, d]) => `event:${n}\ndata:${d.replace(/[\r\n]/g, ' ')}\n\n`).join(''));
          assert.deepEqual(decodeStream(chunkAt(bytes, cuts)), decodeStream([bytes]));
        }),
        { numRuns: 400 },
      );
    });
  });

  describe('JSON body decoder', () => {
    const statusArb = fc.oneof(fc.constant(200), fc.constant(401), fc.constant(502), fc.integer({ min: 100, max: 599 }));
    const bodyArb = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')),
      fc.json(),
      fc.record({ code: fc.oneof(fc.integer(), fc.constant(0), fc.jsonValue()), msg: fc.jsonValue(), data: fc.jsonValue(), detail: fc.jsonValue() }).map((v) => JSON.stringify(v)),
      fc.constantFrom('', '<html><body>502</body></html>', '{"code":0,"data":{"id":"1"', '{"code":4100,"msg":"bad pat_secret_token"}'),
    );

    it('any body and status: data only for a 2xx with code 0, otherwise a CozeError that never quotes a non-Coze body', () => {
      fc.assert(
        fc.property(statusArb, bodyArb, fc.option(fc.string({ maxLength: 40 })), (status, text, logId) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const code = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { code?: unknown }).code : undefined;
          try {
            const r = decodeCozeJson({ status, contentType: 'application/json', logId: logId ?? undefined }, text, redact);
            assert.equal(code, 0);
            assert.ok(status >= 200 && status < 300);
            assert.deepEqual(r.data, (parsed as { data?: unknown }).data);
          } catch (e) {
            if (!isCozeError(e)) throw e;
            assert.ok(['api', 'network', 'protocol'].includes(e.kind), e.kind);
            assert.ok(!e.message.includes('pat_secret_token'));
            assert.ok(e.message.length < 700, 'short enough for a notification');
            if (e.kind === 'api') assert.equal(e.code, code);
            else if (text.length > 8) assert.ok(!e.message.includes(text), 'the body is never shown');
          }
        }),
        { numRuns: 1000 },
      );
    });

    it('the same data whatever the chunking on the wire (a real socket, UTF-8 split anywhere)', async function () {
      this.timeout(20_000);
      let plan: { bytes: Buffer; cuts: number[] } = { bytes: Buffer.alloc(0), cuts: [] };
      const server = http.createServer((_req, res) => {
        const { bytes, cuts } = plan;
        res.writeHead(200, { 'content-type': 'application/json', 'x-tt-logid': 'L' });
        const pieces = chunkAt(bytes, cuts);
        const write = (i: number): void => {
          if (i === pieces.length) return void res.end();
          res.write(pieces[i], () => setImmediate(() => write(i + 1)));
        };
        write(0);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as { port: number };
      const transport = new Transport({
        baseUrl: new URL(`http://127.0.0.1:${port}`),
        token: 'pat_secret_token',
        minIntervalMs: 0,
        maxRetries: 0,
        retryBaseMs: 1,
        limits: { connectMs: 5000, firstByteMs: 5000, idleMs: 5000 },
      });
      try {
        await fc.assert(
          fc.asyncProperty(fc.jsonValue(), fc.string({ unit: 'grapheme', maxLength: 30 }), fc.array(fc.nat(), { maxLength: 12 }), async (data, text, cuts) => {
            const body = { code: 0, msg: '', data: { value: data, text: `扣子 ${text}` }, detail: { logid: 'L' } };
            plan = { bytes: Buffer.from(JSON.stringify(body)), cuts };
            const r = await transport.json<unknown>({ method: 'GET', path: '/v3/chat/retrieve' }, new AbortController().signal);
            assert.deepEqual(r.data, JSON.parse(JSON.stringify(body.data)));
          }),
          { numRuns: 60 },
        );
      } finally {
        await transport.close(new (await import('../../src/coze')).CozeError('canceled', 'done'));
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
  });
});
