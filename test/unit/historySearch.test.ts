import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StoredConversation, StoredTurn } from '../../src/chat/chatModel';
import { ChatStore } from '../../src/chat/chatStore';
import { HistorySearcher, searchHitView, type SearchHit } from '../../src/chat/historySearch';
import { MAX_SEARCH_QUERY, searchMatcher, snippetAt } from '../../src/chat/searchText';
import { parseChatViewMessage, parseConversationArg } from '../../src/protocol';

// The history search: what a query matches (case, whitespace, Chinese, text as JSON holds it), the snippet around
// a match, and the search over a store's files (newest first, per conversation, bounded, a new search cancelling
// the one before, files that are gone or broken skipped).

describe('chat history search: matching', () => {
  it('matches case-insensitively, across any whitespace, and Chinese as typed', () => {
    const m = searchMatcher('  Event   LOOP ')!;
    assert.equal(m.query, 'Event LOOP');
    assert.deepEqual(m.find('The event\n  loop runs'), { index: 4, length: 12 });
    assert.equal(m.find('eventloop'), undefined, 'a space in the query needs whitespace in the text');
    assert.deepEqual(searchMatcher('ÉCOLE')!.find('une école'), { index: 4, length: 5 }, 'beyond ASCII');
    assert.deepEqual(searchMatcher('闭包')!.find('什么是闭包？'), { index: 3, length: 2 });
    assert.equal(searchMatcher('   '), undefined, 'nothing to search for');
  });

  it('takes the query literally (no regex), and at most MAX_SEARCH_QUERY characters of it', () => {
    assert.deepEqual(searchMatcher('a.b*(c)')!.find('x a.b*(c) y'), { index: 2, length: 7 });
    assert.equal(searchMatcher('a.b')!.find('axb'), undefined);
    assert.equal(searchMatcher('文'.repeat(MAX_SEARCH_QUERY + 50))!.query.length, MAX_SEARCH_QUERY);
  });

  it('tells from a file’s raw JSON whether it may match: quotes, backslashes and newlines as JSON writes them', () => {
    const file = JSON.stringify({ turns: [{ question: 'Say "hi"\nthen C:\\temp', answer: '闭包的作用域' }] });
    assert.equal(searchMatcher('say "HI" then')!.mayContain(file), true, 'the newline is \\n in the file');
    assert.equal(searchMatcher('c:\\temp')!.mayContain(file), true);
    assert.equal(searchMatcher('作用域')!.mayContain(file), true);
    assert.equal(searchMatcher('nowhere')!.mayContain(file), false);
  });
});

describe('chat history search: snippets', () => {
  it('keeps the text around the match on one line, with … where it was cut at a word', () => {
    const text = `${'word '.repeat(40)}the needle is here\nand the answer goes on ${'and on '.repeat(40)}`;
    const m = searchMatcher('needle')!;
    const s = snippetAt(text, m.find(text)!);
    assert.equal(s.match, 'needle');
    assert.ok(s.before.startsWith('…') && s.before.endsWith('the '), s.before);
    assert.ok(!s.before.slice(1).startsWith(' ') && /^…word /.test(s.before), `cut at a word: ${s.before}`);
    assert.ok(s.after.startsWith(' is here and the answer'), s.after);
    assert.ok(s.after.endsWith('…') && !s.after.includes('\n'));
    assert.ok(Array.from(s.after).length <= 91);
  });

  it('leaves out the Markdown marks around the match: fence lines, heading marks, emphasis, code ticks', () => {
    const text = '```ts\nconst x = 1;\n```\n## Notes\nThe **bold** needle in `code` form';
    assert.deepEqual(snippetAt(text, searchMatcher('needle')!.find(text)!), { before: 'const x = 1; Notes The bold ', match: 'needle', after: ' in code form' });
  });

  it('does not cut what is short, nor a character in half (emoji, Chinese)', () => {
    assert.deepEqual(snippetAt('  Find me  ', { index: 2, length: 4 }), { before: '', match: 'Find', after: ' me' });
    const chinese = `${'😀'.repeat(60)}闭包${'好'.repeat(200)}`;
    const s = snippetAt(chinese, searchMatcher('闭包')!.find(chinese)!);
    assert.equal(s.before, `…${'😀'.repeat(40)}`, 'whole emoji, no space to cut at');
    assert.equal(s.after, `${'好'.repeat(90)}…`);
  });
});

let dir: string;
let seq = 0;

function turn(question: string, answer: string): StoredTurn {
  return { id: `t${++seq}`, question, answer, status: 'done', followUps: [], botId: '123', startedAt: seq };
}

function conversation(id: string, updatedAt: number, turns: StoredTurn[], title = `Title ${id}`): StoredConversation {
  return { version: 1, id, title, botId: '123', createdAt: updatedAt, updatedAt, turns, trimmedTurns: 0 };
}

async function storeWith(...conversations: StoredConversation[]): Promise<ChatStore> {
  const store = new ChatStore(dir);
  await store.load();
  for (const c of conversations) await store.save(c);
  return store;
}

async function collect(searcher: HistorySearcher, query: string): Promise<{ batches: SearchHit[][]; outcome: Awaited<ReturnType<HistorySearcher['search']>> }> {
  const batches: SearchHit[][] = [];
  const outcome = await searcher.search(query, (hits) => batches.push(hits));
  return { batches, outcome };
}

describe('chat history search: HistorySearcher over the store', () => {
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-history-search-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds questions and answers in every conversation, one batch per conversation, newest first', async () => {
    const newest = [turn('Tell me about scope', 'A CLOSURE keeps its scope alive.'), turn('And a closure in Go?', 'Also a closure.')];
    const store = await storeWith(
      conversation('old', 1000, [turn('What is a closure?', 'A function with its scope.'), turn('Unrelated', 'Nothing here')]),
      conversation('mid', 2000, [turn('Explain 闭包', '闭包就是函数和它的作用域。')]),
      conversation('new', 3000, newest),
    );
    const searcher = new HistorySearcher(() => store.conversationFiles());
    const { batches, outcome } = await collect(searcher, 'closure');
    assert.deepEqual(outcome, { status: 'done', hits: 3, filesRead: 3 });
    assert.deepEqual(batches.map((b) => b.map((h) => [h.conversationId, h.field])), [
      [['new', 'question'], ['new', 'answer']], // newest turn first; its question matched, so its answer is not looked at
      [['old', 'question']],
    ]);
    assert.deepEqual(batches[0]!.map((h) => h.turnId), [newest[1]!.id, newest[0]!.id], 'each hit names its turn');
    assert.deepEqual(batches[0]![1]!.snippet, { before: 'A ', match: 'CLOSURE', after: ' keeps its scope alive.' });
    const chinese = await collect(searcher, '作用域');
    assert.deepEqual(chinese.batches.flat().map((h) => [h.conversationId, h.field, h.snippet.match]), [['mid', 'answer', '作用域']]);
    assert.deepEqual(searchHitView(chinese.batches[0]![0]!), {
      conversationId: 'mid',
      title: 'Title mid',
      updatedAt: 2000,
      turnId: chinese.batches[0]![0]!.turnId,
      field: 'answer',
      before: '闭包就是函数和它的',
      match: '作用域',
      after: '。',
    });
  });

  it('finds a renamed conversation by its title when no turn matches', async () => {
    const store = await storeWith(conversation('renamed', 1000, [turn('Q', 'A')], 'Kubernetes notes'));
    const { batches } = await collect(new HistorySearcher(() => store.conversationFiles()), 'kubernetes');
    assert.deepEqual(batches.flat().map((h) => [h.field, h.turnId, h.snippet.match]), [['title', undefined, 'Kubernetes']]);
  });

  it('is bounded: at most maxHitsPerConversation per conversation and maxHits in all, then it stops reading', async () => {
    const many = Array.from({ length: 6 }, (_, i) => conversation(`c${i}`, 1000 + i, Array.from({ length: 4 }, (_, t) => turn(`needle ${i}.${t}`, 'x'))));
    const store = await storeWith(...many);
    const searcher = new HistorySearcher(() => store.conversationFiles(), { maxHits: 5, maxHitsPerConversation: 2 });
    const { batches, outcome } = await collect(searcher, 'needle');
    assert.deepEqual(batches.map((b) => b.length), [2, 2, 1]);
    assert.deepEqual(batches.flat().map((h) => h.snippet.after), [' 5.3', ' 5.2', ' 4.3', ' 4.2', ' 3.3']);
    assert.deepEqual(outcome, { status: 'limit', hits: 5, filesRead: 3 });
  });

  it('a new search cancels the one running: the first hands over nothing more', async () => {
    const store = await storeWith(...Array.from({ length: 5 }, (_, i) => conversation(`c${i}`, 1000 + i, [turn(`alpha beta ${i}`, 'x')])));
    const searcher = new HistorySearcher(() => store.conversationFiles());
    const first: SearchHit[][] = [];
    let second: Promise<{ batches: SearchHit[][]; outcome: unknown }> | undefined;
    const outcome = await searcher.search('alpha', (hits) => {
      first.push(hits);
      // The user typed on after the first hits arrived.
      second ??= collect(searcher, 'beta 1');
    });
    assert.deepEqual(outcome, { status: 'canceled', hits: 1, filesRead: 1 });
    assert.equal(first.length, 1, 'no hits of the old search after the new one began');
    const next = await second!;
    assert.deepEqual(next.outcome, { status: 'done', hits: 1, filesRead: 5 });
    assert.deepEqual(next.batches.flat().map((h) => h.conversationId), ['c1']);
  });

  it('an empty query or an aborted signal only cancels; files gone or unreadable are skipped', async () => {
    const store = await storeWith(conversation('a', 1000, [turn('needle', 'x')]), conversation('b', 2000, [turn('needle', 'x')]), conversation('c', 3000, [turn('needle', 'x')]));
    fs.writeFileSync(path.join(dir, 'conversations', 'b.json'), '{"id": "b", "needle": '); // cut short
    fs.rmSync(path.join(dir, 'conversations', 'c.json'));
    const searcher = new HistorySearcher(() => store.conversationFiles());
    const { batches, outcome } = await collect(searcher, 'needle');
    assert.deepEqual(batches.flat().map((h) => h.conversationId), ['a']);
    assert.deepEqual(outcome, { status: 'done', hits: 1, filesRead: 3 });
    assert.deepEqual((await collect(searcher, '  ')).outcome, { status: 'done', hits: 0, filesRead: 0 });
    const aborted = new AbortController();
    aborted.abort();
    assert.equal((await searcher.search('needle', () => assert.fail('no hits'), aborted.signal)).status, 'canceled');
    assert.ok(fs.existsSync(path.join(dir, 'conversations', 'b.json')), 'a search never moves a file (the store does, when it loads)');
  });
});

describe('chat history search: messages and arguments', () => {
  it('the view may start a search (an empty query stops it) and ask to export a conversation', () => {
    assert.deepEqual(parseChatViewMessage({ type: 'searchHistory', query: '闭包', searchId: 3 }), { type: 'searchHistory', query: '闭包', searchId: 3 });
    assert.ok(parseChatViewMessage({ type: 'searchHistory', query: '', searchId: 0 }));
    assert.equal(parseChatViewMessage({ type: 'searchHistory', query: 'x', searchId: -1 }), undefined);
    assert.equal(parseChatViewMessage({ type: 'searchHistory', query: 'x', searchId: 1.5 }), undefined);
    assert.equal(parseChatViewMessage({ type: 'searchHistory', query: 'x'.repeat(1001), searchId: 1 }), undefined);
    assert.deepEqual(parseChatViewMessage({ type: 'exportConversation', id: 'abc123' }), { type: 'exportConversation', id: 'abc123' });
    assert.equal(parseChatViewMessage({ type: 'exportConversation', id: '../etc/passwd' }), undefined);
  });

  it('Export Conversation takes a conversation id, or { conversationId }, and anything else means the open one', () => {
    assert.equal(parseConversationArg('abc123'), 'abc123');
    assert.equal(parseConversationArg({ conversationId: 'abc123' }), 'abc123');
    for (const arg of [undefined, null, 42, '../x', { conversationId: 'a/b' }, { id: 'abc' }]) assert.equal(parseConversationArg(arg), undefined, JSON.stringify(arg));
  });
});
