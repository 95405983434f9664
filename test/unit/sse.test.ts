import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { SseParser, parseSse, isDoneData, type SseEvent } from '../../src/coze/sse';
import { chunkAt } from './chunking';

const enc = new TextEncoder();


const chineseStream = [
  'event:conversation.chat.created',
  'data:{"id":"c1","conversation_id":"v1","status":"created"}',
  '',
  'event:conversation.message.delta',
  'data:{"id":"m1","type":"answer","content":"你好，世界！"}',
  '',
  'event: conversation.message.delta',
  'data: {"id":"m1","type":"answer","content":"扣子 🚀 émoji"}',
  '',
  'event:conversation.chat.completed',
  'data:{"id":"c1","status":"completed","usage":{"token_count":3}}',
  '',
  'event:done',
  'data:"[DONE]"',
  '',
  '',
].join('\n');

const expected: SseEvent[] = [
  { event: 'conversation.chat.created', data: '{"id":"c1","conversation_id":"v1","status":"created"}' },
  { event: 'conversation.message.delta', data: '{"id":"m1","type":"answer","content":"你好，世界！"}' },
  { event: 'conversation.message.delta', data: '{"id":"m1","type":"answer","content":"扣子 🚀 émoji"}' },
  { event: 'conversation.chat.completed', data: '{"id":"c1","status":"completed","usage":{"token_count":3}}' },
  { event: 'done', data: '"[DONE]"' },
];

describe('SseParser', () => {
  it('parses a Coze stream with and without a space after the colon', () => {
    assert.deepEqual(parseSse([enc.encode(chineseStream)]), expected);
  });

  it('gives the same events for a split at every byte position (inside UTF-8 characters too)', () => {
    const bytes = enc.encode(chineseStream);
    for (let i = 0; i <= bytes.length; i++) {
      assert.deepEqual(parseSse(chunkAt(bytes, [i])), expected, `split at byte ${i}`);
    }
  });

  it('gives the same events when every byte is its own chunk', () => {
    const bytes = enc.encode(chineseStream);
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    assert.deepEqual(parseSse(chunks), expected);
  });

  it('accepts CRLF and lone CR line ends, also with CR and LF in different chunks', () => {
    const crlf = enc.encode(chineseStream.replace(/\n/g, '\r\n'));
    assert.deepEqual(parseSse([crlf]), expected);
    for (let i = 0; i <= crlf.length; i++) assert.deepEqual(parseSse(chunkAt(crlf, [i])), expected, `at ${i}`);
    assert.deepEqual(parseSse([enc.encode(chineseStream.replace(/\n/g, '\r'))]), expected);
  });

  it('drops exactly one space after the colon', () => {
    assert.deepEqual(parseSse(['data:  two\n\n']), [{ event: '', data: ' two' }]);
    assert.deepEqual(parseSse(['data:none\n\n']), [{ event: '', data: 'none' }]);
  });

  it('joins multi-line data with \\n and keeps empty data lines', () => {
    assert.deepEqual(parseSse(['event:x\ndata:a\ndata:\ndata: b\n\n']), [{ event: 'x', data: 'a\n\nb' }]);
  });

  it('ignores comments, unknown fields and retry, and a field without colon is a name with empty value', () => {
    const evs = parseSse([': keep-alive\nretry: 100\nfoo: bar\nevent:e\ndata\nid: 7\n\n']);
    assert.deepEqual(evs, [{ event: 'e', data: '', id: '7' }]);
  });

  it('does not emit an event for blank lines or comments alone', () => {
    assert.deepEqual(parseSse(['\n\n:ping\n\n\r\n']), []);
  });

  it('resets the event name between events', () => {
    assert.deepEqual(parseSse(['event:a\ndata:1\n\ndata:2\n\n']), [
      { event: 'a', data: '1' },
      { event: '', data: '2' },
    ]);
  });

  it('returns an event not followed by a blank line at the end of the stream', () => {
    assert.deepEqual(parseSse(['event:conversation.chat.completed\ndata:{}']), [
      { event: 'conversation.chat.completed', data: '{}' },
    ]);
  });

  it('strips a leading BOM', () => {
    assert.deepEqual(parseSse([new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('data:x\n\n')])]), [
      { event: '', data: 'x' },
    ]);
  });

  it('returns events as soon as they are complete', () => {
    const p = new SseParser();
    assert.deepEqual(p.push(enc.encode('event:a\ndata:1\n')), []);
    assert.deepEqual(p.push(enc.encode('\nevent:b\n')), [{ event: 'a', data: '1' }]);
    assert.deepEqual(p.end(), [{ event: 'b', data: '' }]);
  });

  it('recognises [DONE] quoted and bare', () => {
    assert.equal(isDoneData('"[DONE]"'), true);
    assert.equal(isDoneData('[DONE]'), true);
    assert.equal(isDoneData(' "[DONE]" '), true);
    assert.equal(isDoneData('{"x":1}'), false);
  });

  it('parses a 1 MB single-line event that arrives in 10,000 chunks in linear time', () => {
    const big = 'data:' + '字'.repeat(350_000) + '\n\n'; // ~1 MB of UTF-8
    const bytes = enc.encode(big);
    const size = Math.ceil(bytes.length / 10_000);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    const t0 = performance.now();
    const evs = parseSse(chunks);
    const ms = performance.now() - t0;
    assert.equal(evs.length, 1);
    assert.equal(evs[0]!.data.length, 350_000);
    assert.ok(ms < 2000, `took ${ms} ms`); // generous: quadratic joining would take far longer
  });

  describe('properties', () => {
    const fieldValue = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' '));
    const eventArb = fc.record({
      event: fc.constantFrom('conversation.message.delta', 'conversation.chat.completed', 'done', 'error'),
      data: fc.array(fieldValue, { minLength: 1, maxLength: 3 }),
      space: fc.boolean(),
    });
    const streamArb = fc.record({
      events: fc.array(eventArb, { maxLength: 8 }),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
    });

    it('any chunking of the same byte stream yields the same events', () => {
      fc.assert(
        fc.property(streamArb, fc.array(fc.nat(), { maxLength: 20 }), ({ events, eol }, cuts) => {
          const sp = (b: boolean) => (b ? ' ' : '');
          const text = events
            .map(
              (e) =>
                `event:${sp(e.space)}${e.event}${eol}` +
                e.data.map((d) => `data:${sp(e.space)}${d}${eol}`).join('') +
                eol,
            )
            .join('');
          const bytes = enc.encode(text);
          const whole = parseSse([bytes]);
          const pieces = chunkAt(
            bytes,
            cuts.map((c) => (bytes.length ? c % bytes.length : 0)),
          );
          assert.deepEqual(parseSse(pieces), whole);
          // And the events are the ones written (a leading space in a value is kept when a space followed the colon).
          assert.deepEqual(
            whole,
            events.map((e) => ({
              event: e.event,
              data: e.data.map((d) => (e.space ? d : d.replace(/^ /, ''))).join('\n'),
            })),
          );
        }),
        { numRuns: 300 },
      );
    });

    /**
     * A deliberately simple reference: the whole text at once, lines split by a regex, the same leniencies as
     * SseParser (a trailing event without its blank line kept, a named event without data kept).
     */
    function referenceParse(text: string): SseEvent[] {
      const out: SseEvent[] = [];
      let name = '';
      let data: string[] = [];
      let id: string | undefined;
      let has = false;
      const dispatch = () => {
        if (has && (data.length > 0 || name !== '')) out.push(id === undefined ? { event: name, data: data.join('\n') } : { event: name, data: data.join('\n'), id });
        name = '';
        data = [];
        id = undefined;
        has = false;
      };
      const body = text; // the caller's TextDecoder has dropped a leading BOM, as SseParser's does
      const lines = body.split(/\r\n|\r|\n/);
      const complete = /[\r\n]$/.test(body) ? lines.slice(0, -1) : lines;
      for (const line of complete) {
        if (line === '') dispatch();
        else if (line.startsWith(':')) continue;
        else {
          const i = line.indexOf(':');
          const field = i === -1 ? line : line.slice(0, i);
          let value = i === -1 ? '' : line.slice(i + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'event') [name, has] = [value, true];
          else if (field === 'data') [data, has] = [[...data, value], true];
          else if (field === 'id' && !value.includes('\0')) id = value;
        }
      }
      dispatch();
      return out;
    }

    it('matches a simple reference parser on random streams of SSE tokens, for any chunking', () => {
      const token = fc.oneof(
        fc.constantFrom('event', 'data', 'id', 'retry', 'foo', ':', ': ', ' ', '\n', '\r', '\r\n', '\n\n', 'event:', 'data:', 'data: ', 'id:', ':ping\n', '\uFEFF', '\0'),
        fc.string({ unit: 'grapheme', maxLength: 6 }),
      );
      fc.assert(
        fc.property(fc.array(token, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 20 }), (tokens, cuts) => {
          const text = tokens.join('');
          const bytes = enc.encode(text);
          const expected = referenceParse(new TextDecoder().decode(bytes));
          assert.deepEqual(parseSse([bytes]), expected);
          assert.deepEqual(parseSse(chunkAt(bytes, cuts.map((c) => (bytes.length ? c % bytes.length : 0)))), expected);
        }),
        { numRuns: 1000 },
      );
    });

    it('never hangs or grows quadratically on pathological input (only line ends, one endless line, only colons)', () => {
      for (const text of ['\r'.repeat(100_000), '\n'.repeat(100_000), '\r\n'.repeat(50_000), 'data:' + 'x'.repeat(200_000), ':'.repeat(100_000)]) {
        const bytes = enc.encode(text);
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
        assert.deepEqual(parseSse(chunks), parseSse([bytes]));
      }
    });

    it('random bytes in random chunks never throw and give the same events however chunked', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
          const whole = parseSse([bytes]);
          const pieces = chunkAt(
            bytes,
            cuts.map((c) => (bytes.length ? c % bytes.length : 0)),
          );
          assert.deepEqual(parseSse(pieces), whole);
        }),
        { numRuns: 500 },
      );
    });
  });
});
