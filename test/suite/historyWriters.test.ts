import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StoredConversation, StoredTurn } from '../../src/chat/chatModel';
import { ChatStore, ConversationDeletedError } from '../../src/chat/chatStore';
import type { ChatTurnView, ChatViewState } from '../../src/protocol';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { askInChat, newChat } from './chatDriver';
import { activateForTests, configure, fake, resetFakeAndKey, waitFor } from './fakeControl';

// The chat history when more than one window writes it, when the extension host dies mid-answer, and when a
// file cannot be read (docs/history.md). "Another window" is a second ChatStore on the extension's own history
// folder (or a child process running one): what a second VS Code window's extension host is.

let api: AskCozeTestingApi;

const state = (): ChatViewState => api.chat.state();
const lastTurn = (): ChatTurnView | undefined => state().turns.at(-1);
const ask = (text: string) => askInChat(api, text);
const conversationsDir = () => path.join(api.chat.storeDir(), 'conversations');
const fileOf = (id: string) => path.join(conversationsDir(), `${id}.json`);

function readFile(id: string): StoredConversation | undefined {
  try {
    return JSON.parse(fs.readFileSync(fileOf(id), 'utf8')) as StoredConversation;
  } catch {
    return undefined; // not there (yet), or replaced at this very moment
  }
}

let clock = Date.now();
function otherTurn(id: string): StoredTurn {
  return { id, question: `asked in the other window: ${id}`, answer: `answered there: ${id}`, status: 'done', followUps: [], botId: '1', startedAt: Math.max(++clock, Date.now()) };
}

async function otherWindow(): Promise<ChatStore> {
  const store = new ChatStore(api.chat.storeDir());
  await store.load();
  return store;
}

suite('Saved history: Two writers', function () {
  this.timeout(120_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ bots: [] });
  });

  setup(async () => {
    await resetFakeAndKey(api);
    await newChat(api);
  });

  test('two stores and a child process on one folder, 30 random interleavings: every turn of each survives', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-two-writers-'));
    const child = path.join(__dirname, '..', 'unit', 'historyWriterChild.js');
    try {
      for (let round = 0; round < 30; round++) {
        const id = `round${round}`;
        const a = new ChatStore(dir);
        const b = new ChatStore(dir);
        await Promise.all([a.load(), b.load()]);
        const mine: StoredConversation = { version: 1, id, title: 'Two writers', botId: '1', createdAt: clock, updatedAt: clock, turns: [otherTurn(`${id}-a0`)], trimmedTurns: 0 };
        await a.save(mine);
        const theirs = (await b.read(id))!;
        const expected = [`${id}-a0`];
        // Every third round a third writer in a process of its own joins in.
        const third =
          round % 3 === 0
            ? new Promise<string[]>((resolve, reject) =>
                execFile(process.execPath, [child, dir, id, `${id}-p`, '6', '4'], (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout) as string[]))),
              )
            : undefined;
        if (third) expected.push(...Array.from({ length: 6 }, (_, i) => `${id}-p-${i + 1}`));
        const pending: Array<Promise<unknown>> = [];
        for (let step = 1; step <= 10; step++) {
          const [copy, store, name] = Math.random() < 0.5 ? [mine, a, 'a'] : [theirs, b, 'b'];
          const t = otherTurn(`${id}-${name}${step}`);
          copy.turns.push(t);
          expected.push(t.id);
          const saving = store.save(copy);
          if (Math.random() < 0.3) await saving;
          else pending.push(saving);
          if (Math.random() < 0.3) await new Promise((r) => setTimeout(r, Math.random() * 5));
        }
        await Promise.all([...pending, third]);
        await Promise.all([a.flush(), b.flush()]);
        const file = await new ChatStore(dir).read(id);
        assert.deepEqual(file?.turns.map((t) => t.id).sort(), [...expected].sort(), `round ${round}: every turn is in the file`);
        const starts = file!.turns.map((t) => t.startedAt);
        assert.deepEqual(starts, [...starts].sort((x, y) => x - y), `round ${round}: ordered by startedAt`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the chat and another window answer in one conversation: the file keeps every turn, the chat shows them all", async () => {
    await fake.behavior({ answers: ['First answer.'] });
    await ask('First question');
    const id = state().conversationId;
    await waitFor('the first save', () => readFile(id)?.turns[0]?.status === 'done' || undefined);
    const other = await otherWindow();
    const theirs = (await other.read(id))!;
    // The chat streams an answer while the other window adds turns to its copy and saves after each.
    await fake.behavior({ answers: ['Second answer, streamed slowly enough to overlap. '.repeat(6)], deltaIntervalMs: 15, deltaSize: 8 });
    api.chat.send({ type: 'send', text: 'Second question' });
    await waitFor('the second answer streaming', () => (lastTurn()?.status === 'streaming' || undefined));
    const added: string[] = [];
    for (const n of [1, 2, 3]) {
      const t = otherTurn(`other${n}${Date.now()}`);
      added.push(t.question);
      theirs.turns.push(t);
      await other.save(theirs);
      await new Promise((r) => setTimeout(r, 40));
    }
    await waitFor('the second answer', () => state().turns.find((t) => t.question === 'Second question' && t.status === 'done'));
    await api.chat.whenIdle();
    const questions = (c: { turns: Array<{ question: string }> } | undefined) => (c?.turns ?? []).map((t) => t.question);
    const want = ['First question', 'Second question', ...added].sort();
    await waitFor('every turn in the file', () => (JSON.stringify(questions(readFile(id)).sort()) === JSON.stringify(want) ? true : undefined));
    assert.equal(readFile(id)!.turns.find((t) => t.question === 'Second question')!.answer.length > 0, true);
    // The chat's copy has them too: opening the conversation (or coming back to the window) reads the file again.
    api.chat.send({ type: 'openConversation', id });
    await waitFor('every turn in the chat', () => (JSON.stringify(questions(state()).sort()) === JSON.stringify(want) ? true : undefined));
    // And the other window's copy, on its next save, keeps the chat's second turn.
    theirs.turns.push(otherTurn(`other4${Date.now()}`));
    await other.save(theirs);
    assert.ok(questions(readFile(id)).includes('Second question'));
    assert.equal(readFile(id)!.turns.length, 6);
  });

  test('a deletion in the chat is not undone by the other window’s next save', async () => {
    await fake.behavior({ answers: ['Soon gone.'] });
    await ask('Delete me');
    const id = state().conversationId;
    await waitFor('the save', () => readFile(id)?.turns[0]?.status === 'done' || undefined);
    const other = await otherWindow();
    const theirs = (await other.read(id))!;
    api.chat.send({ type: 'deleteConversation', id });
    await waitFor('the deletion', () => (!state().history.some((h) => h.id === id) && !fs.existsSync(fileOf(id))) || undefined);
    theirs.turns.push(otherTurn(`late${Date.now()}`));
    await assert.rejects(other.save(theirs), ConversationDeletedError);
    assert.equal(fs.existsSync(fileOf(id)), false, 'not written back');
    assert.equal((await otherWindow()).has(id), false);
    await vscode.commands.executeCommand('askCoze.showChatHistory');
    await waitFor('the history without it', () => (!state().history.some((h) => h.id === id) ? true : undefined));
  });

  test('a conversation deleted in the other window: the chat refuses to write it back, says so once, and Keep a Copy saves it', async () => {
    await fake.behavior({ answers: ['Before the deletion.'] });
    await ask('Kept open here');
    const id = state().conversationId;
    await waitFor('the save', () => readFile(id)?.turns[0]?.status === 'done' || undefined);
    await (await otherWindow()).delete(id);
    const before = api.notifications().length;
    api.answerNotification(/was deleted in another VS Code window/, 'Keep a Copy');
    await fake.behavior({ answers: ['Asked after the deletion.'] });
    api.chat.send({ type: 'send', text: 'Still here?' });
    await waitFor('the copy, opened', () => {
      const s = state();
      return s.conversationId !== id && s.turns.length === 2 && s.turns[1]!.status === 'done' ? s : undefined;
    }, 30_000);
    const shown = api.notifications().slice(before).filter((n) => /was deleted in another VS Code window/.test(n.message));
    assert.equal(shown.length, 1, 'told once');
    assert.equal(shown[0]!.severity, 'warning');
    assert.match(shown[0]!.message, /^“Kept open here” was deleted/);
    assert.equal(fs.existsSync(fileOf(id)), false, 'the deleted conversation stays deleted');
    const copy = state().conversationId;
    await waitFor('the copy on disk', () => (readFile(copy)?.turns.map((t) => t.answer).join('|') === 'Before the deletion.|Asked after the deletion.' ? true : undefined));
    assert.ok(state().history.some((h) => h.id === copy));
  });
});

suite('Saved history: Crash timing', function () {
  this.timeout(120_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ bots: [] });
  });

  setup(async () => {
    // (The test sets the stream it needs over FAST_STREAM.)
    await resetFakeAndKey(api);
    await newChat(api);
  });

  test('a streaming answer: its first text is on disk as it arrives, then the file is never more than the interval behind', async () => {
    // One delta every 400 ms: the first write with text must hold exactly the first delta (written before the
    // second arrives), and two writes never more than ~2 deltas apart (500 ms), plus one for a slow write. The
    // policy before (every 2 s, the first text not at once) wrote 5 deltas at a time, the first write included.
    const DELTA = 'abcd';
    const DELTAS = 14;
    await fake.behavior({ completeAfterMs: 100, deltaIntervalMs: 400, deltaSize: DELTA.length, answers: [DELTA.repeat(DELTAS)], followUps: [] });
    api.chat.send({ type: 'send', text: 'Slowly, please' });
    const id = state().conversationId;
    // Poll the file: every version the chat writes stays at least a delta's time, far longer than a poll.
    const seen: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const turn = readFile(id)?.turns.at(-1);
        if (turn?.question === 'Slowly, please' && turn.answer.length > 0 && turn.answer.length !== seen.at(-1)) seen.push(turn.answer.length);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await waitFor('the answer', () => (lastTurn()?.status === 'done' ? true : undefined), 30_000);
      await waitFor('the whole answer on disk', () => (readFile(id)?.turns.at(-1)?.status === 'done' ? true : undefined));
      await new Promise((r) => setTimeout(r, 30));
    } finally {
      polling = false;
      await poll;
    }
    const deltas = seen.map((n) => n / DELTA.length);
    assert.equal(deltas[0], 1, `the first write with text holds the first delta alone (writes held ${deltas.join(', ')} deltas)`);
    assert.equal(deltas.at(-1), DELTAS);
    const steps = deltas.map((d, i) => d - (i === 0 ? 0 : deltas[i - 1]!));
    assert.ok(Math.max(...steps) <= 3, `at most 3 deltas between two writes (the old 2 s interval: 5); writes held ${deltas.join(', ')} deltas`);
  });
});

suite('Saved history: Unreadable file', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
  });

  test('a history file that cannot be read is set aside, and the user is told where, once', async () => {
    const id = `corrupt${Date.now()}`;
    fs.mkdirSync(conversationsDir(), { recursive: true });
    fs.writeFileSync(fileOf(id), '{"version":1,"id":"' + id + '","title":"cut sh');
    const setAside = `${fileOf(id)}.corrupt`;
    const before = api.notifications().length;
    api.answerNotification(/chat history file could not be read/, 'Open File');
    await vscode.commands.executeCommand('askCoze.showChatHistory');
    const shown = await waitFor('the warning', () => api.notifications().slice(before).find((n) => /chat history file could not be read/.test(n.message)));
    assert.equal(shown.severity, 'warning');
    assert.ok(shown.message.includes(setAside), `the message names ${setAside}: ${shown.message}`);
    assert.ok(shown.actions.includes('Open File'));
    assert.ok(fs.existsSync(setAside), 'kept for inspection');
    assert.equal(fs.existsSync(fileOf(id)), false);
    // The action opens the set-aside file.
    await waitFor('the set-aside file in an editor', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.fsPath === setAside) || undefined);
    // Told once: the next unreadable file is told on its own, without the first again.
    const second = `corrupt${Date.now()}b`;
    fs.writeFileSync(fileOf(second), 'not json at all');
    await vscode.commands.executeCommand('askCoze.showChatHistory');
    await waitFor('the second warning', () => api.notifications().slice(before).find((n) => n.message.includes(`${fileOf(second)}.corrupt`)));
    assert.equal(api.notifications().slice(before).filter((n) => n.message.includes(setAside)).length, 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(setAside, { force: true });
    fs.rmSync(`${fileOf(second)}.corrupt`, { force: true });
  });
});
