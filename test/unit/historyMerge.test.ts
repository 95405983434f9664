import * as assert from 'node:assert/strict';
import type { StoredConversation, StoredTurn } from '../../src/chat/chatModel';
import { absorb, headerOf, mergeConversations, pickTurn } from '../../src/chat/historyMerge';

// The merge rules of two copies of one conversation (two windows writing it): no turn of either is lost, the
// further-along version of a turn wins, the conversation's fields merge three-way, trimmed turns are counted once.

function turn(id: string, startedAt: number, extra: Partial<StoredTurn> = {}): StoredTurn {
  return { id, question: `q ${id}`, answer: `a ${id}`, status: 'done', followUps: [], botId: '1', startedAt, ...extra };
}

function conv(turns: StoredTurn[], extra: Partial<StoredConversation> = {}): StoredConversation {
  return { version: 1, id: 'c', title: 'First question', botId: '1', createdAt: 10, updatedAt: 20, turns, trimmedTurns: 0, ...extra };
}

const ids = (c: StoredConversation) => c.turns.map((t) => t.id);

describe('chat history: merging two copies of a conversation', () => {
  describe('one turn, two versions (pickTurn)', () => {
    it('a later attempt wins (a retry in place restarts the turn), whatever its status or length', () => {
      const old = turn('t', 100, { status: 'done', answer: 'a long finished answer' });
      const retried = turn('t', 200, { status: 'waiting', answer: '' });
      assert.equal(pickTurn(old, retried), retried);
      assert.equal(pickTurn(retried, old), retried);
    });

    it('of the same attempt, a finished answer beats one still arriving or interrupted', () => {
      for (const status of ['done', 'stopped', 'failed'] as const) {
        const finished = turn('t', 100, { status, answer: 'short' });
        for (const unfinished of ['waiting', 'streaming', 'interrupted'] as const) {
          const arriving = turn('t', 100, { status: unfinished, answer: 'short but longer' });
          assert.equal(pickTurn(arriving, finished), finished, `${status} over ${unfinished}`);
          assert.equal(pickTurn(finished, arriving), finished, `${status} over ${unfinished}`);
        }
      }
    });

    it('of two unfinished versions, the longer answer wins: a reader sees an answer arriving elsewhere as interrupted', () => {
      const live = turn('t', 100, { status: 'streaming', answer: 'Hello, wor' });
      const readElsewhere = turn('t', 100, { status: 'interrupted', answer: 'Hello' });
      assert.equal(pickTurn(live, readElsewhere), live);
      assert.equal(pickTurn(readElsewhere, live), live);
    });

    it('on a tie the writer keeps its own', () => {
      const mine = turn('t', 100);
      const theirs = turn('t', 100);
      assert.equal(pickTurn(mine, theirs), mine);
    });
  });

  it('keeps every turn of both copies, ordered by startedAt', () => {
    const base = [turn('a', 1), turn('b', 2)];
    const mine = conv([...base, turn('m1', 3), turn('m2', 6)]);
    const disk = conv([...base, turn('o1', 4), turn('o2', 5)]);
    const merged = mergeConversations(mine, disk, headerOf(conv(base)));
    assert.deepEqual(ids(merged), ['a', 'b', 'm1', 'o1', 'o2', 'm2']);
  });

  it('keeps the order of turns that started at the same time (files of older versions say 0)', () => {
    const mine = conv([turn('a', 0), turn('b', 0), turn('m', 0)]);
    const disk = conv([turn('a', 0), turn('b', 0), turn('o', 0)]);
    assert.deepEqual(ids(mergeConversations(mine, disk)), ['a', 'b', 'o', 'm']);
  });

  it('takes the further-along version of a turn from either side', () => {
    const mine = conv([turn('a', 1, { status: 'interrupted', answer: 'Hel' }), turn('b', 2)]);
    const disk = conv([turn('a', 1, { status: 'done', answer: 'Hello!' }), turn('b', 2, { status: 'interrupted', answer: 'x' })]);
    const merged = mergeConversations(mine, disk);
    assert.equal(merged.turns[0]!.answer, 'Hello!');
    assert.equal(merged.turns[1]!.status, 'done');
  });

  describe('the conversation fields, three-way against what the writer last saw', () => {
    const base = headerOf(conv([]));
    it('a rename in the other window is kept when this one did not rename', () => {
      const merged = mergeConversations(conv([]), conv([], { title: 'Renamed there', titleEdited: true }), base);
      assert.equal(merged.title, 'Renamed there');
      assert.equal(merged.titleEdited, true);
    });
    it("this window's rename wins over the file's unchanged title, and over a rename there (the later save)", () => {
      const mine = conv([], { title: 'Renamed here', titleEdited: true });
      assert.equal(mergeConversations(mine, conv([]), base).title, 'Renamed here');
      assert.equal(mergeConversations(mine, conv([], { title: 'Renamed there', titleEdited: true }), base).title, 'Renamed here');
    });
    it("without a base, a title the user edited beats the first question's", () => {
      const edited = conv([], { title: 'Mine by hand', titleEdited: true });
      assert.equal(mergeConversations(conv([]), edited).title, 'Mine by hand');
      assert.equal(mergeConversations(edited, conv([])).title, 'Mine by hand');
    });
    it("Coze's conversation id and the bot follow the side that changed them", () => {
      const withCoze = { ...base, cozeConversationId: 'k1' };
      const disk = conv([], { cozeConversationId: 'k2', botId: '2', botName: 'Two' });
      const merged = mergeConversations(conv([], { cozeConversationId: 'k1' }), disk, withCoze);
      assert.equal(merged.cozeConversationId, 'k2', 'changed there (e.g. a 4002 reset), unchanged here');
      assert.equal(merged.botId, '2');
      assert.equal(merged.botName, 'Two');
      const forgotten = mergeConversations(conv([]), conv([], { cozeConversationId: 'k1' }), withCoze);
      assert.equal(forgotten.cozeConversationId, undefined, 'forgotten here: stays forgotten');
    });
    it('createdAt is the earliest, updatedAt the latest', () => {
      const merged = mergeConversations(conv([], { createdAt: 50, updatedAt: 60 }), conv([], { createdAt: 40, updatedAt: 90 }));
      assert.deepEqual([merged.createdAt, merged.updatedAt], [40, 90]);
    });
  });

  describe('turns the size cap dropped from the file (trimmedTurns)', () => {
    it('counts only the dropped turns that neither copy still holds', () => {
      // Memory has all 10 turns; the file kept 5..10 (4 trimmed) and another window added 11 there.
      const all = Array.from({ length: 10 }, (_, i) => turn(`t${i + 1}`, i + 1));
      const mine = conv(all);
      const disk = conv([...all.slice(4), turn('t11', 11)], { trimmedTurns: 4 });
      const merged = mergeConversations(mine, disk);
      assert.equal(merged.turns.length, 11);
      assert.equal(merged.trimmedTurns, 0, 'this copy still holds the four the file lost');
    });
    it('keeps the count when neither copy has them', () => {
      const mine = conv([turn('t5', 5), turn('t6', 6), turn('m', 8)], { trimmedTurns: 4 });
      const disk = conv([turn('t7', 7), turn('o', 9)], { trimmedTurns: 6 });
      const merged = mergeConversations(mine, disk);
      assert.deepEqual(ids(merged), ['t5', 't6', 't7', 'm', 'o']);
      assert.equal(merged.trimmedTurns, 4, 'turns 1-4 are gone from both; 5 and 6 are back');
      assert.equal(merged.turns.length + merged.trimmedTurns, 9);
    });
  });

  describe('the copy in memory learns the merge (absorb)', () => {
    it('gains the other window’s turns and fields, and says so', () => {
      const memory = conv([turn('a', 1)]);
      const merged = mergeConversations(memory, conv([turn('a', 1), turn('o', 2)], { title: 'There', titleEdited: true }), headerOf(memory));
      assert.equal(absorb(memory, merged), true);
      assert.deepEqual(ids(memory), ['a', 'o']);
      assert.equal(memory.title, 'There');
      assert.equal(absorb(memory, merged), false, 'nothing new the second time');
    });

    it('never touches a turn being answered in this window (its object, its text)', () => {
      const live = turn('t', 100, { status: 'streaming', answer: 'Hel' });
      const memory = conv([live]);
      // Another window retried it in place meanwhile: in the file, its newer attempt wins.
      const disk = conv([turn('t', 200, { status: 'done', answer: 'Retried there' })]);
      const merged = mergeConversations(memory, disk);
      assert.equal(merged.turns[0]!.answer, 'Retried there');
      absorb(memory, merged);
      assert.equal(memory.turns[0], live, 'the run keeps writing into the turn the view shows');
      assert.equal(live.answer, 'Hel');
    });

    it('replaces a finished turn of its own by the further-along one', () => {
      const memory = conv([turn('t', 100, { status: 'interrupted', answer: 'Hel' })]);
      const merged = mergeConversations(memory, conv([turn('t', 100, { status: 'done', answer: 'Hello' })]));
      assert.equal(absorb(memory, merged), true);
      assert.equal(memory.turns[0]!.answer, 'Hello');
    });
  });
});
