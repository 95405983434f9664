import * as assert from 'node:assert/strict';
import type { StoredConversation, StoredTurn } from '../../src/chat/chatModel';
import { ChatSaver } from '../../src/chat/chatSaver';
import { ConversationDeletedError, type ChatStore, type SaveOutcome } from '../../src/chat/chatStore';
import type { Log } from '../../src/log';

// When the chat writes a streaming answer: its first text at once, then at most once per interval, and the
// store's refusal of a conversation deleted elsewhere is not logged as a failure.

interface Write {
  answer: string;
}

function fakeStore(outcome: () => Promise<SaveOutcome> = async () => ({ gained: false })) {
  const writes: Write[] = [];
  const store = {
    save: (c: StoredConversation) => {
      writes.push({ answer: c.turns.at(-1)!.answer });
      return outcome();
    },
    saveSync: (c: StoredConversation) => writes.push({ answer: c.turns.at(-1)!.answer }),
  } as unknown as ChatStore;
  return { store, writes };
}

const warnings: string[] = [];
const log = { warn: (m: string) => warnings.push(m), info: () => undefined, error: () => undefined } as unknown as Log;

function conversationWith(turn: StoredTurn): StoredConversation {
  return { version: 1, id: 'c', title: 't', botId: '1', createdAt: 1, updatedAt: 1, turns: [turn], trimmedTurns: 0 };
}

async function until(what: string, probe: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(probe(), `timed out waiting for ${what}`);
}

describe('chat: when a streaming answer is written (ChatSaver)', () => {
  beforeEach(() => warnings.splice(0));

  it('writes the first text at once, then at most once per interval, however many pieces arrive', async () => {
    const { store, writes } = fakeStore();
    const saver = new ChatSaver(store, log, () => undefined, () => undefined, 60_000);
    const turn: StoredTurn = { id: 't', question: 'q', answer: '', status: 'waiting', followUps: [], botId: '1', startedAt: 1 };
    const c = conversationWith(turn);
    saver.soon(c, turn); // a status update without text: waits for the interval
    assert.equal(writes.length, 0);
    turn.answer = 'Hel';
    saver.soon(c, turn);
    assert.deepEqual(writes, [{ answer: 'Hel' }], 'the first text, at once');
    for (const more of ['Hello', 'Hello, w', 'Hello, world']) {
      turn.answer = more;
      saver.soon(c, turn);
    }
    assert.equal(writes.length, 1, 'the rest waits for the interval (a minute here)');
    // A retry in place starts the turn again: its first text is written at once too.
    turn.answer = '';
    turn.startedAt = 2;
    saver.cancel('c');
    turn.answer = 'Again';
    saver.soon(c, turn);
    assert.deepEqual(writes.at(-1), { answer: 'Again' });
    saver.cancel('c');
  });

  it('writes what arrived meanwhile when the interval is up, once', async () => {
    const { store, writes } = fakeStore();
    const saver = new ChatSaver(store, log, () => undefined, () => undefined, 20);
    const turn: StoredTurn = { id: 't', question: 'q', answer: 'a', status: 'streaming', followUps: [], botId: '1', startedAt: 1 };
    const c = conversationWith(turn);
    saver.soon(c, turn);
    turn.answer = 'ab';
    saver.soon(c, turn);
    turn.answer = 'abc';
    saver.soon(c, turn);
    await until('the timed write', () => writes.length === 2);
    assert.deepEqual(writes, [{ answer: 'a' }, { answer: 'abc' }]);
  });

  it('tells the chat when a write merged in what another window saved', async () => {
    const { store } = fakeStore(async () => ({ gained: true }));
    const merged: StoredConversation[] = [];
    const saver = new ChatSaver(store, log, () => undefined, (c) => merged.push(c));
    const c = conversationWith({ id: 't', question: 'q', answer: 'a', status: 'done', followUps: [], botId: '1', startedAt: 1 });
    await saver.now(c);
    assert.deepEqual(merged, [c]);
  });

  it('does not log a refused write of a conversation deleted elsewhere as a failure; logs any other', async () => {
    let fail: Error = new ConversationDeletedError('c');
    const { store } = fakeStore(() => Promise.reject(fail));
    const saver = new ChatSaver(store, log, () => undefined);
    const c = conversationWith({ id: 't', question: 'q', answer: 'a', status: 'done', followUps: [], botId: '1', startedAt: 1 });
    await saver.now(c);
    assert.deepEqual(warnings, []);
    fail = new Error('disk full');
    await saver.now(c);
    assert.deepEqual(warnings, ['Chat history could not be saved: disk full']);
  });
});
