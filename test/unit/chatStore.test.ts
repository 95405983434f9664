import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseConversation, titleFromQuestion, type StoredConversation, type StoredTurn } from '../../src/chat/chatModel';
import { ChatStore } from '../../src/chat/chatStore';

// The chat history on disk: atomic writes (a crash leaves the previous version), bounds, and files that are
// half-written, corrupt or edited behind the store's back.

let dir: string;
let seq = 0;

function turn(question: string, answer = `Answer to ${question}`, status: StoredTurn['status'] = 'done'): StoredTurn {
  return { id: `t${++seq}`, question, answer, status, followUps: ['Next?'], botId: '123', startedAt: seq };
}

function conversation(id: string, updatedAt: number, turns: StoredTurn[] = [turn('Q')]): StoredConversation {
  return { version: 1, id, title: `Title ${id}`, botId: '123', createdAt: updatedAt, updatedAt, turns, trimmedTurns: 0, cozeConversationId: `coze-${id}` };
}

const convFile = (id: string) => path.join(dir, 'conversations', `${id}.json`);

describe('chat: history store (ChatStore)', () => {
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-chat-store-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves conversations and a new store over the same folder reads them back', async () => {
    const store = new ChatStore(dir);
    await store.load();
    const a = conversation('a', 1000, [turn('first'), turn('second')]);
    await store.save(a);
    await store.save(conversation('b', 2000));
    const again = new ChatStore(dir);
    await again.load();
    assert.deepEqual(again.list().map((s) => s.id), ['b', 'a'], 'most recent first');
    assert.deepEqual(again.list()[1], { id: 'a', title: 'Title a', updatedAt: 1000, botId: '123', botName: undefined, turns: 2 });
    assert.deepEqual(await again.read('a'), a);
  });

  it('ignores and removes a partially written temporary file; the previous version stays', async () => {
    const store = new ChatStore(dir);
    await store.load();
    const a = conversation('a', 1000);
    await store.save(a);
    // A crash in the middle of the next save: half a JSON document in a temp file, never renamed.
    fs.writeFileSync(`${convFile('a')}.4242-7.tmp`, '{"version":1,"id":"a","title":"Half');
    fs.writeFileSync(path.join(dir, 'index.json.4242-8.tmp'), '{"vers');
    // An index write of another window may be in flight: only an old one is known to be cut short.
    const past = new Date(Date.now() - 10 * 60_000);
    fs.utimesSync(path.join(dir, 'index.json.4242-8.tmp'), past, past);
    const again = new ChatStore(dir);
    await again.load();
    assert.deepEqual(await again.read('a'), a);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'conversations')), ['a.json']);
    assert.ok(!fs.readdirSync(dir).some((n) => n.endsWith('.tmp')));
  });

  it('never leaves a temp file behind after saves', async () => {
    const store = new ChatStore(dir);
    await store.load();
    await Promise.all([1, 2, 3, 4, 5].map((i) => store.save(conversation('a', i))));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'conversations')), ['a.json']);
    assert.equal((await store.read('a'))?.updatedAt, 5, 'saves land in order');
  });

  it('sets a corrupt file aside and keeps the others', async () => {
    const warnings: string[] = [];
    const store = new ChatStore(dir, { onWarning: (w) => warnings.push(w) });
    await store.load();
    await store.save(conversation('good', 1));
    await store.save(conversation('bad', 2));
    fs.writeFileSync(convFile('bad'), '{"truncated": ');
    fs.writeFileSync(convFile('wrongid'), JSON.stringify(conversation('other', 3)));
    const again = new ChatStore(dir, { onWarning: (w) => warnings.push(w) });
    await again.load();
    assert.deepEqual(again.list().map((s) => s.id), ['good']);
    assert.ok(fs.existsSync(`${convFile('bad')}.corrupt`), 'kept for inspection');
    assert.equal(warnings.length, 2);
  });

  it('rebuilds the index when it is missing or does not match the files', async () => {
    const store = new ChatStore(dir);
    await store.load();
    await store.save(conversation('a', 1));
    await store.save(conversation('b', 2));
    fs.rmSync(path.join(dir, 'index.json'));
    const edited = { ...conversation('a', 3), title: 'Edited elsewhere' };
    fs.writeFileSync(convFile('a'), JSON.stringify(edited));
    const again = new ChatStore(dir);
    await again.load();
    assert.deepEqual(again.list().map((s) => [s.id, s.title]), [['a', 'Edited elsewhere'], ['b', 'Title b']]);
    fs.rmSync(convFile('b'));
    const third = new ChatStore(dir);
    await third.load();
    assert.deepEqual(third.list().map((s) => s.id), ['a'], 'an entry whose file is gone is dropped');
  });

  it('keeps at most maxConversations, dropping the least recently updated', async () => {
    const store = new ChatStore(dir, { limits: { maxConversations: 3 } });
    await store.load();
    for (let i = 1; i <= 5; i++) await store.save(conversation(`c${i}`, i * 10));
    assert.deepEqual(store.list().map((s) => s.id), ['c5', 'c4', 'c3']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'conversations')).sort(), ['c3.json', 'c4.json', 'c5.json']);
    // Saving an old conversation again does not evict itself.
    await store.save(conversation('c1', 1));
    assert.ok(store.has('c1'));
    assert.equal(store.list().length, 3);
  });

  it('keeps the total size under maxTotalBytes', async () => {
    const store = new ChatStore(dir, { limits: { maxTotalBytes: 5000 } });
    await store.load();
    for (let i = 1; i <= 6; i++) await store.save(conversation(`c${i}`, i, [turn('q', 'x'.repeat(1500))]));
    const total = fs.readdirSync(path.join(dir, 'conversations')).reduce((sum, n) => sum + fs.statSync(path.join(dir, 'conversations', n)).size, 0);
    assert.ok(total <= 5000, `${total} bytes`);
    assert.deepEqual(store.list().map((s) => s.id), ['c6', 'c5'], 'the newest that fit (each file is ~1.7 KB)');
  });

  it('caps one conversation: the oldest turns are dropped from the saved copy, then a huge answer is cut', async () => {
    const store = new ChatStore(dir, { limits: { maxConversationBytes: 20_000 } });
    await store.load();
    const turns = Array.from({ length: 10 }, (_, i) => turn(`q${i}`, 'y'.repeat(3000)));
    await store.save(conversation('big', 1, turns));
    const saved = (await store.read('big'))!;
    assert.ok(fs.statSync(convFile('big')).size <= 20_000);
    assert.equal(saved.turns.at(-1)!.question, 'q9', 'the latest turns are kept');
    assert.equal(saved.trimmedTurns, 10 - saved.turns.length);
    assert.ok(saved.trimmedTurns > 0);
    assert.equal(store.list()[0]!.turns, 10, 'the summary still counts every turn');

    await store.save(conversation('huge', 2, [turn('q', 'z'.repeat(100_000))]));
    const huge = (await store.read('huge'))!;
    assert.ok(fs.statSync(convFile('huge')).size <= 20_000);
    assert.match(huge.turns[0]!.answer, /^z+\n\n…$/);
  });

  it('reads back an answer that was still arriving as interrupted', async () => {
    const store = new ChatStore(dir);
    await store.load();
    await store.save(conversation('a', 1, [turn('q1'), turn('q2', 'partial', 'streaming')]));
    const back = (await new ChatStore(dir).read('a'))!;
    assert.deepEqual(back.turns.map((t) => t.status), ['done', 'interrupted']);
    assert.equal(back.turns[1]!.answer, 'partial');
  });

  it('refuses ids that could leave the folder', async () => {
    const store = new ChatStore(dir);
    await store.load();
    assert.equal(await store.read('../../etc/passwd'), undefined);
    await assert.rejects(store.save(conversation('../evil', 1)));
    await store.delete('../x');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['conversations']);
  });

  it('deletes a conversation', async () => {
    const store = new ChatStore(dir);
    await store.load();
    await store.save(conversation('a', 1));
    await store.delete('a');
    assert.deepEqual(store.list(), []);
    assert.equal(await store.read('a'), undefined);
    await store.load();
    assert.deepEqual(store.list(), []);
  });

  it('saveSync writes the file and the index at once', async () => {
    const store = new ChatStore(dir);
    await store.load();
    store.saveSync(conversation('a', 7, [turn('q', 'half', 'streaming')]));
    const again = new ChatStore(dir);
    await again.load();
    assert.deepEqual(again.list().map((s) => s.id), ['a']);
    assert.equal((await again.read('a'))!.turns[0]!.status, 'interrupted');
  });
});

describe('chat: conversation model', () => {
  it('takes only well-formed fields from a file', () => {
    assert.equal(parseConversation({ id: 'a', title: 't' }), undefined, 'no turns');
    assert.equal(parseConversation({ id: '../a', title: 't', turns: [] }), undefined);
    assert.equal(parseConversation({ version: 99, id: 'a', title: 't', turns: [] }), undefined, 'from a newer version');
    const c = parseConversation({ id: 'a', title: 't', turns: [{ id: 'x', question: 'q', answer: 'a', status: 'done', followUps: ['f', 3], error: { message: 'm', actions: ['setKey', 'rm -rf'] } }, { id: 'bad' }] })!;
    assert.equal(c.turns.length, 1);
    assert.deepEqual(c.turns[0]!.followUps, ['f']);
    assert.deepEqual(c.turns[0]!.error, { message: 'm', actions: ['setKey'] });
  });

  it('titles a conversation by its first question, without the quoted code', () => {
    assert.equal(titleFromQuestion('  How do I\n debounce?  ', 'New chat'), 'How do I debounce?');
    assert.equal(titleFromQuestion('`src/a.ts:1-3`\n```ts\nconst x = 1;\n```\n\nWhat does this do?', 'New chat'), 'What does this do?');
    // A question of code only is named by its first line (test/unit/chatPolish.test.ts has the rest of the rules).
    assert.equal(titleFromQuestion('```ts\nconst x = 1;\n```', 'New chat'), 'const x = 1;');
    assert.equal(titleFromQuestion('   ', 'New chat'), 'New chat');
    assert.equal(Array.from(titleFromQuestion('字'.repeat(200), '')).length, 72);
  });
});
