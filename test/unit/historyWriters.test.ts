import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { StoredConversation, StoredTurn } from '../../src/chat/chatModel';
import { ChatStore, ConversationDeletedError, type ChatStoreOptions, type UnreadableHistoryFile } from '../../src/chat/chatStore';

// Two windows on one history folder, at the store level: each ChatStore is one window (in this process, or in
// a child process of its own), each with its copy of the conversation in memory. No turn of either is lost, a
// deletion stands, the copy in memory learns what the other wrote, and a stale lock or file does not block.

let dir: string;
let clock = 1000;

function turn(id: string, extra: Partial<StoredTurn> = {}): StoredTurn {
  return { id, question: `q ${id}`, answer: `a ${id}`, status: 'done', followUps: [], botId: '1', startedAt: ++clock, ...extra };
}

function conversation(id: string, turns: StoredTurn[]): StoredConversation {
  return { version: 1, id, title: `Title ${id}`, botId: '1', createdAt: clock, updatedAt: clock, turns, trimmedTurns: 0 };
}

function store(options: ChatStoreOptions = {}): ChatStore {
  return new ChatStore(dir, options);
}

async function loaded(options: ChatStoreOptions = {}): Promise<ChatStore> {
  const s = store(options);
  await s.load();
  return s;
}

const onDisk = async (id: string) => (await loaded()).read(id);
const ids = (c: StoredConversation | undefined) => (c?.turns ?? []).map((t) => t.id);

/** A random generator with a seed, so that a failing interleaving can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('chat history: two windows writing one folder', () => {
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-writers-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('two stores, turns interleaved at random: every turn of both survives, in order (60 interleavings)', async () => {
    for (let round = 0; round < 60; round++) {
      const rnd = random(round + 1);
      const a = await loaded();
      const b = await loaded();
      const id = `r${round}`;
      const mine = conversation(id, [turn(`${id}-first`)]);
      await a.save(mine);
      const theirs = (await b.read(id))!;
      const copies = [mine, theirs];
      const stores = [a, b];
      const pending: Array<Promise<unknown>> = [];
      const added: string[] = [`${id}-first`];
      for (let step = 0; step < 12; step++) {
        const w = rnd() < 0.5 ? 0 : 1;
        const t = turn(`${id}-${'ab'[w]}${step}`);
        copies[w]!.turns.push(t);
        added.push(t.id);
        const saving = stores[w]!.save(copies[w]!);
        // Sometimes the next step waits for the write, mostly it races it.
        if (rnd() < 0.3) await saving;
        else pending.push(saving);
      }
      await Promise.all(pending);
      await Promise.all(stores.map((s) => s.flush()));
      const file = await onDisk(id);
      assert.deepEqual(ids(file), added, `round ${round}: the file holds every turn, ordered by startedAt`);
      // Each copy in memory holds every turn once it has saved (or refreshed) after the other's last write.
      for (const [i, s] of stores.entries()) {
        await s.refresh(copies[i]!);
        assert.deepEqual(ids(copies[i]), added, `round ${round}: window ${'ab'[i]}'s copy`);
      }
    }
  });

  it('four processes writing one conversation at once lose no turn (a lock file per conversation)', async function () {
    this.timeout(60_000);
    const child = path.join(__dirname, 'historyWriterChild.js');
    const seed = await loaded();
    await seed.save(conversation('shared', [turn('seed')]));
    const run = (writer: string) =>
      new Promise<string[]>((resolve, reject) => {
        execFile(process.execPath, [child, dir, 'shared', writer, '20', '2'], (err, stdout, stderr) => {
          if (err) reject(new Error(`${writer}: ${stderr || err.message}`));
          else resolve(JSON.parse(stdout) as string[]);
        });
      });
    const results = await Promise.all(['w1', 'w2', 'w3', 'w4'].map(run));
    const file = await onDisk('shared');
    const expected = ['seed', ...['w1', 'w2', 'w3', 'w4'].flatMap((w) => Array.from({ length: 20 }, (_, i) => `${w}-${i + 1}`))];
    assert.deepEqual(ids(file).sort(), expected.sort());
    // The last writer to finish saw everything the others had written before its last save.
    assert.ok(results.some((r) => r.length > 21), 'at least one window learned the others’ turns');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'conversations')).filter((n) => !n.endsWith('.json')), [], 'no lock or temp file left');
  });

  it('a deletion in one window is not undone by the other window’s next save; the other is told once', async () => {
    const deleted: string[] = [];
    const a = await loaded();
    const b = await loaded({ onDeletedElsewhere: (c) => deleted.push(c.id) });
    const mine = conversation('gone', [turn('g1')]);
    await a.save(mine);
    const theirs = (await b.read('gone'))!;
    await a.delete('gone');
    theirs.turns.push(turn('g2'));
    await assert.rejects(b.save(theirs), ConversationDeletedError);
    assert.deepEqual(deleted, ['gone'], 'the window that still had it open is told');
    assert.equal(fs.existsSync(path.join(dir, 'conversations', 'gone.json')), false);
    assert.equal(await b.refresh(theirs), 'deleted');
    assert.equal(await onDisk('gone'), undefined);
    assert.deepEqual((await loaded()).list(), [], 'not in the history of a new window either');
    // The window that deleted it refuses its own late saves (a timed save, an answer ending) without a word.
    const toldA: string[] = [];
    const a2 = await loaded({ onDeletedElsewhere: (c) => toldA.push(c.id) });
    await a2.delete('gone');
    await assert.rejects(a2.save(mine), ConversationDeletedError);
    assert.deepEqual(toldA, []);
    // At shutdown too.
    assert.throws(() => b.saveSync(theirs), ConversationDeletedError);
    assert.equal(fs.existsSync(path.join(dir, 'conversations', 'gone.json')), false);
  });

  it('a file written again by an older version after a deletion stays deleted', async () => {
    const a = await loaded();
    await a.save(conversation('old', [turn('o1')]));
    await a.delete('old');
    fs.writeFileSync(path.join(dir, 'conversations', 'old.json'), JSON.stringify(conversation('old', [turn('o2')])));
    const b = await loaded();
    assert.equal(b.has('old'), false);
    assert.equal(fs.existsSync(path.join(dir, 'conversations', 'old.json')), false);
  });

  it('refresh: the copy open in one window learns the turns and the rename saved by the other', async () => {
    const a = await loaded();
    const b = await loaded();
    const mine = conversation('c', [turn('c1')]);
    await a.save(mine);
    assert.equal(await a.refresh(mine), 'unchanged');
    const theirs = (await b.read('c'))!;
    theirs.turns.push(turn('c2'));
    theirs.title = 'Renamed in B';
    theirs.titleEdited = true;
    await b.save(theirs);
    assert.equal(await a.refresh(mine), 'merged');
    assert.deepEqual(ids(mine), ['c1', 'c2']);
    assert.equal(mine.title, 'Renamed in B');
    // A's next turn keeps B's rename (A did not rename) and B's turn.
    mine.turns.push(turn('c3'));
    await a.save(mine);
    const file = (await onDisk('c'))!;
    assert.deepEqual(ids(file), ['c1', 'c2', 'c3']);
    assert.equal(file.title, 'Renamed in B');
    assert.equal(file.titleEdited, true);
  });

  it('save() tells when the copy gained turns from the other window', async () => {
    const a = await loaded();
    const b = await loaded();
    const mine = conversation('g', [turn('g1')]);
    assert.deepEqual(await a.save(mine), { gained: false });
    const theirs = (await b.read('g'))!;
    theirs.turns.push(turn('g2'));
    await b.save(theirs);
    mine.turns.push(turn('g3'));
    assert.deepEqual(await a.save(mine), { gained: true });
    assert.deepEqual(ids(mine), ['g1', 'g2', 'g3']);
  });

  it('an older copy saved after a newer one still merges (what a copy has taken in is kept per copy)', async () => {
    const a = await loaded();
    const b = await loaded();
    await a.save(conversation('o', [turn('o1')]));
    const older = (await a.read('o'))!;
    const theirs = (await b.read('o'))!;
    theirs.turns.push(turn('o2'));
    await b.save(theirs);
    const newer = (await a.read('o'))!; // has o2: the file's current version
    assert.deepEqual(ids(newer), ['o1', 'o2']);
    older.turns.push(turn('o3'));
    await a.save(older);
    assert.deepEqual(ids(await onDisk('o')), ['o1', 'o2', 'o3']);
  });

  it('the size cap still holds, and trimmed turns are counted once, when two windows add big turns', async () => {
    const limits = { maxConversationBytes: 12_000 };
    const a = await loaded({ limits });
    const b = await loaded({ limits });
    const mine = conversation('big', [turn('b0', { answer: 'x'.repeat(2000) })]);
    await a.save(mine);
    const theirs = (await b.read('big'))!;
    let made = 1;
    for (let i = 1; i <= 12; i++) {
      const [copy, s] = i % 3 === 0 ? [theirs, b] : [mine, a];
      copy.turns.push(turn(`b${i}`, { answer: 'y'.repeat(2000) }));
      made++;
      await s.save(copy);
    }
    assert.ok(fs.statSync(path.join(dir, 'conversations', 'big.json')).size <= 12_000);
    const file = (await onDisk('big'))!;
    assert.ok(file.trimmedTurns > 0);
    assert.equal(file.turns.length + file.trimmedTurns, made, 'every turn counted once, kept or trimmed');
    assert.equal(file.turns.at(-1)!.id, 'b12', 'the newest turns are the ones kept');
  });

  it('saveSync at shutdown merges too', async () => {
    const a = await loaded();
    const b = await loaded();
    const mine = conversation('s', [turn('s1')]);
    await a.save(mine);
    const theirs = (await b.read('s'))!;
    theirs.turns.push(turn('s2'));
    await b.save(theirs);
    mine.turns.push(turn('s3', { status: 'interrupted' }));
    a.saveSync(mine);
    assert.deepEqual(ids(await onDisk('s')), ['s1', 's2', 's3']);
  });

  it('a save asked for again while it waits in the queue is the same save', async () => {
    const a = await loaded();
    const c = conversation('q', [turn('q1')]);
    const first = a.save(c);
    c.turns.push(turn('q2'));
    assert.equal(a.save(c), first, 'joined: the copy is taken when the save runs');
    await first;
    assert.deepEqual(ids(await onDisk('q')), ['q1', 'q2']);
  });

  it('takes over the lock a crashed window left', async () => {
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    fs.mkdirSync(path.join(dir, 'conversations'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'conversations', 'L.lock'), JSON.stringify({ host: os.hostname(), pid: dead, token: 'x', at: Date.now() }));
    const a = await loaded();
    await a.save(conversation('L', [turn('l1')]));
    assert.deepEqual(ids(await onDisk('L')), ['l1']);
    assert.equal(fs.existsSync(path.join(dir, 'conversations', 'L.lock')), false);
  });

  it("leaves another window's writes in flight alone: a young index temp file, a temp file under a held lock", async () => {
    const a = await loaded();
    await a.save(conversation('w', [turn('w1')]));
    const conversations = path.join(dir, 'conversations');
    fs.writeFileSync(path.join(dir, 'index.json.4242-ab-1.tmp'), '{"vers');
    fs.writeFileSync(path.join(conversations, 'w.json.4242-ab-2.tmp'), '{"half');
    fs.writeFileSync(path.join(conversations, 'w.lock'), JSON.stringify({ host: os.hostname(), pid: process.pid, token: 'x', at: Date.now() }));
    await loaded();
    assert.ok(fs.existsSync(path.join(dir, 'index.json.4242-ab-1.tmp')));
    assert.ok(fs.existsSync(path.join(conversations, 'w.json.4242-ab-2.tmp')));
    fs.rmSync(path.join(conversations, 'w.lock'));
    await loaded();
    assert.equal(fs.existsSync(path.join(conversations, 'w.json.4242-ab-2.tmp')), false, 'no lock: nobody is writing it');
    // A window that crashed mid-write leaves its lock and its temp file: both go.
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    fs.writeFileSync(path.join(conversations, 'w.json.4243-cd-1.tmp'), '{"half');
    fs.writeFileSync(path.join(conversations, 'w.lock'), JSON.stringify({ host: os.hostname(), pid: dead, token: 'x', at: Date.now() }));
    await loaded();
    assert.deepEqual(fs.readdirSync(conversations), ['w.json']);
  });

  it('keeps index.json true to the files it writes (a new window trusts the entry instead of reading the file)', async () => {
    const a = await loaded();
    await a.save(conversation('i', [turn('i1')]));
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { entries: Array<{ summary: { id: string }; size: number; mtimeMs: number }> };
    const entry = index.entries.find((e) => e.summary.id === 'i')!;
    const stat = fs.statSync(path.join(dir, 'conversations', 'i.json'));
    assert.deepEqual([entry.size, entry.mtimeMs], [stat.size, stat.mtimeMs]);
  });

  it('tells the owner where an unreadable file was set aside', async () => {
    const told: UnreadableHistoryFile[] = [];
    const a = await loaded();
    await a.save(conversation('bad', [turn('x')]));
    fs.writeFileSync(path.join(dir, 'conversations', 'bad.json'), '{"truncated": ');
    const b = await loaded({ onUnreadable: (f) => told.push(f) });
    assert.equal(b.has('bad'), false);
    assert.deepEqual(told, [{ file: path.join(dir, 'conversations', 'bad.json'), setAside: path.join(dir, 'conversations', 'bad.json.corrupt') }]);
    assert.ok(fs.existsSync(told[0]!.setAside));
  });
});
