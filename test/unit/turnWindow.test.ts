import * as assert from 'node:assert/strict';
import { keptWindow, newestWindow, turnSize, windowAt, withEarlier, withLater, type PageSize } from '../../src/webview/chat/turnWindow';

// Which turns of a long conversation the chat renders (src/webview/chat/turnWindow.ts): the newest page first,
// a page more each way on demand, a page at a search hit, and the same turns kept as the conversation changes.

const PAGE: PageSize = { turns: 4, chars: 10_000 };
const sizes = (count: number, each = 1000) => Array.from({ length: count }, () => each);
const ids = (count: number) => Array.from({ length: count }, (_, i) => `t${i}`);

describe('chat: the window of turns rendered', () => {
  it('opens with the newest page: at most `turns` turns, fewer when their text reaches `chars`, never none', () => {
    assert.deepEqual(newestWindow(sizes(100), PAGE), { start: 96, end: 100 });
    assert.deepEqual(newestWindow(sizes(100, 4000), PAGE), { start: 97, end: 100 }, '4,000 + 4,000 + 4,000 ≥ 10,000');
    assert.deepEqual(newestWindow([10, 10, 500_000], PAGE), { start: 2, end: 3 }, 'one huge turn is a page by itself');
    assert.deepEqual(newestWindow(sizes(2), PAGE), { start: 0, end: 2 });
    assert.deepEqual(newestWindow([], PAGE), { start: 0, end: 0 });
  });

  it('is flat in the length of the conversation: the same page for 50, 200 or 800 turns', () => {
    const pages = [50, 200, 800].map((n) => newestWindow(sizes(n, 5000), PAGE)).map((w) => w.end - w.start);
    assert.deepEqual(pages, [2, 2, 2]);
  });

  it('brings in one page of older or newer turns at a time, and stops at the ends', () => {
    const s = sizes(10);
    assert.deepEqual(withEarlier({ start: 6, end: 10 }, s, PAGE), { start: 2, end: 10 });
    assert.deepEqual(withEarlier({ start: 2, end: 10 }, s, PAGE), { start: 0, end: 10 });
    assert.deepEqual(withEarlier({ start: 0, end: 10 }, s, PAGE), { start: 0, end: 10 });
    assert.deepEqual(withLater({ start: 1, end: 3 }, s, PAGE), { start: 1, end: 7 });
    assert.deepEqual(withLater({ start: 1, end: 9 }, s, PAGE), { start: 1, end: 10 });
  });

  it('opens at a search hit with it first; near the end, the page reaches back to a full one', () => {
    const s = sizes(20);
    assert.deepEqual(windowAt(3, s, PAGE), { start: 3, end: 7 });
    assert.deepEqual(windowAt(18, s, PAGE), { start: 16, end: 20 });
    assert.deepEqual(windowAt(99, s, PAGE), { start: 16, end: 20 }, 'clamped');
  });

  it('keeps the same turns when the conversation changes, and grows with new turns only at the end', () => {
    const before = { startId: 't6', endId: 't9', atEnd: true };
    assert.deepEqual(keptWindow(before, ids(11), sizes(11), false, PAGE), { start: 6, end: 11 }, 'a new turn at the end is shown');
    const merged = ['t0', 'x', 'y', ...ids(10).slice(1)]; // another window's turns merged in before the window
    assert.deepEqual(keptWindow(before, merged, sizes(merged.length), false, PAGE), { start: 8, end: 12 });
    const reading = { startId: 't2', endId: 't5', atEnd: false };
    assert.deepEqual(keptWindow(reading, ids(11), sizes(11), false, PAGE), { start: 2, end: 6 }, 'reading an old part: it stays');
    assert.deepEqual(keptWindow(reading, ids(11), sizes(11), true, PAGE), { start: 7, end: 11 }, 'a question just asked: the newest page');
    assert.deepEqual(keptWindow({ startId: 'gone', endId: 't5', atEnd: false }, ids(11), sizes(11), false, PAGE), { start: 7, end: 11 });
    assert.deepEqual(keptWindow(before, [], [], false, PAGE), { start: 0, end: 0 });
  });

  it('counts what a turn puts on screen: question, answer and reasoning', () => {
    assert.equal(turnSize({ question: 'ab', answer: 'cde' }), 5);
    assert.equal(turnSize({ question: 'ab', answer: 'cde', reasoning: 'fg' }), 7);
  });
});
