import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import { ChatStore } from '../../src/chat/chatStore';
import type { ChatTurnView, ChatViewState } from '../../src/protocol';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { askInChat, newChat } from './chatDriver';
import { activateForTests, assertNoToken, BOT_ID, chatRequests, configure, fake, resetFakeAndKey, waitFor } from './fakeControl';

// The sidebar chat inside a real extension host, against the fake Coze server, driven through the testing API
// exactly as its webview would drive it (every message goes through the same validation): multi-turn
// conversations, history on disk, stop reaching Coze, follow-ups, Continue in chat, and bad messages.

let api: AskCozeTestingApi;

const state = (): ChatViewState => api.chat.state();
const lastTurn = (): ChatTurnView | undefined => state().turns.at(-1);
const ask = (text: string) => askInChat(api, text);

suite('Chat', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ bots: [] });
  });

  setup(async () => {
    await resetFakeAndKey(api, { completeAfterMs: 150 });
    await newChat(api);
  });

  suiteTeardown(async () => {
    await configure({ responseMode: undefined, bots: undefined });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('contributes the chat view and its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['askCoze.askInChat', 'askCoze.openChat', 'askCoze.newChat', 'askCoze.showChatHistory', 'askCoze.chat.focus']) {
      assert.ok(commands.includes(id), `${id} is not registered`);
    }
  });

  test('every turn after the first continues the same Coze conversation (conversation_id in the query)', async () => {
    await fake.behavior({ answers: ['First answer with `code`.'], followUps: [] });
    const first = await ask('What is a closure?');
    assert.equal(first.status, 'done');
    assert.equal(first.answer, 'First answer with `code`.');
    await fake.behavior({ answers: ['Second answer.'] });
    const second = await ask('Show me one in TypeScript');
    assert.equal(second.status, 'done');

    const chats = await chatRequests();
    assert.equal(chats.length, 2);
    assert.equal(chats[0]!.query.conversation_id, undefined, 'the first turn starts a conversation');
    const conversationId = (await fake.chats())[0]!.conversationId;
    assert.ok(conversationId);
    assert.equal(chats[1]!.query.conversation_id, conversationId, 'the second turn continues it, in the query string');
    assert.ok(!('conversation_id' in (chats[1]!.body as object)), 'never in the body');
    assert.equal((chats[1]!.body as { bot_id: string }).bot_id, BOT_ID);
    assert.deepEqual(state().turns.map((t) => t.question), ['What is a closure?', 'Show me one in TypeScript']);
    assert.equal(state().title, 'What is a closure?', 'the title comes from the first question');
    assert.equal(state().turns[1]!.usage?.tokenCount !== undefined, true, 'usage is shown per answer');
  });

  test('follow-up suggestions arrive as chips; clicking one asks it in the same conversation', async () => {
    await fake.behavior({ answers: ['Use setTimeout.'], followUps: ['What about throttle?', 'Show a test'] });
    const turn = await ask('How do I debounce?');
    assert.deepEqual(turn.followUps, ['What about throttle?', 'Show a test']);
    // The chip sends its text as a question.
    const next = await ask('What about throttle?');
    assert.equal(next.status, 'done');
    const chats = await chatRequests();
    assert.equal(chats[1]!.query.conversation_id, (await fake.chats())[0]!.conversationId);
    assert.equal(((chats[1]!.body as { additional_messages: Array<{ content: string }> }).additional_messages.at(-1))!.content, 'What about throttle?');
  });

  test('history is saved to disk and restored; a half-written temp file is ignored', async () => {
    await fake.behavior({ answers: ['Persisted answer.'], followUps: [] });
    await ask('Remember this conversation');
    const id = state().conversationId;
    const dir = api.chat.storeDir();
    await waitFor('the conversation file', () => fs.existsSync(path.join(dir, 'conversations', `${id}.json`)) || undefined);
    // A crash in the middle of a later save leaves a temp file: it must not matter.
    fs.writeFileSync(path.join(dir, 'conversations', `${id}.json.9999-1.tmp`), '{"version":1,"id":"');

    const store = new ChatStore(dir);
    await store.load();
    const summary = store.list().find((s) => s.id === id);
    assert.ok(summary, 'the conversation is in the history');
    assert.equal(summary.title, 'Remember this conversation');
    const saved = await store.read(id);
    assert.equal(saved?.turns[0]?.answer, 'Persisted answer.');
    assert.ok(saved?.cozeConversationId, "Coze's conversation id is kept, so it can be continued");
    assert.ok(!fs.readdirSync(path.join(dir, 'conversations')).some((n) => n.endsWith('.tmp')), 'load() removed the temp file');
    assertNoToken('the history files', fs.readdirSync(path.join(dir, 'conversations')).map((n) => fs.readFileSync(path.join(dir, 'conversations', n), 'utf8')).join('\n'));

    // New chat, then open the old one from the history and continue it.
    api.chat.send({ type: 'newChat' });
    await waitFor('the new chat', () => (state().conversationId !== id && state().turns.length === 0) || undefined);
    assert.ok(state().history.some((h) => h.id === id));
    api.chat.send({ type: 'openConversation', id });
    await waitFor('the old conversation', () => (state().conversationId === id && state().turns.length === 1) || undefined);
    await ask('And now?');
    const chats = await chatRequests();
    assert.equal(chats.at(-1)!.query.conversation_id, saved!.cozeConversationId, 'a reopened conversation continues on Coze');

    api.chat.send({ type: 'renameConversation', id, title: '  Renamed   chat ' });
    await waitFor('the new title', () => state().history.find((h) => h.id === id)?.title === 'Renamed chat' || undefined);
    api.chat.send({ type: 'deleteConversation', id });
    await waitFor('the deletion', () => (!state().history.some((h) => h.id === id) && state().conversationId !== id) || undefined);
    assert.ok(!fs.existsSync(path.join(dir, 'conversations', `${id}.json`)));
  });

  test('Stop ends the answer at once, keeps the text marked stopped, and cancels the chat on Coze', async () => {
    await fake.behavior({ completeAfterMs: 20_000, deltaIntervalMs: 100, deltaSize: 4, answers: ['y'.repeat(2000)] });
    api.chat.send({ type: 'send', text: 'A long story, please' });
    await waitFor('the first text', () => ((lastTurn()?.answer.length ?? 0) > 0 && lastTurn()?.status === 'streaming') || undefined);
    assert.equal(state().busy, true);
    api.chat.send({ type: 'stop' });
    await waitFor('the stopped turn', () => (lastTurn()?.status === 'stopped' && !state().busy) || undefined, 2_000);
    const stoppedText = lastTurn()!.answer;
    assert.ok(stoppedText.length > 0 && stoppedText.length < 2000, 'what arrived is kept');

    const cancel = await waitFor('POST /v3/chat/cancel', async () => (await fake.requests()).find((r) => r.endpoint === 'cancel'));
    const chatId = (cancel.body as { chat_id: string }).chat_id;
    assert.equal((await fake.chats()).find((c) => c.id === chatId)?.status, 'canceled');
    await api.chat.whenIdle();
    assert.equal(lastTurn()!.status, 'stopped');
    assert.ok(lastTurn()!.answer.startsWith(stoppedText));

    // A question right after Stop waits for the cancel instead of hitting "conversation busy" (4016).
    await fake.behavior({ completeAfterMs: 100, deltaIntervalMs: 5, deltaSize: 16, answers: ['Short now.'] });
    const after = await ask('Shorter, please');
    assert.equal(after.status, 'done', JSON.stringify(after.error));
    const chats = await chatRequests();
    assert.equal(chats.at(-1)!.query.conversation_id, (await fake.chats())[0]!.conversationId);

    // Retry asks a stopped turn again.
    api.chat.send({ type: 'retry', turnId: state().turns[0]!.id });
    await waitFor('the retried turn', () => (state().turns.length === 3 && lastTurn()!.status === 'done' && lastTurn()!.question === 'A long story, please') || undefined, 30_000);
  });

  test('in poll mode the status shows while waiting, then the answer', async () => {
    await configure({ responseMode: 'poll' });
    try {
      await fake.behavior({ completeAfterMs: 1200, answers: ['Polled answer.'], followUps: [] });
      api.chat.send({ type: 'send', text: 'Poll me' });
      // "Waiting for Coze…" until the first status arrives, then the status with the elapsed time.
      const waiting = await waitFor('the status while polling', () => {
        const t = lastTurn();
        return t?.status === 'waiting' && /\d+ s$/.test(t.statusText ?? '') ? t.statusText : undefined;
      });
      assert.match(waiting, /^Thinking|^Starting/);
      const turn = await waitFor('the answer', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined));
      assert.equal(turn.answer, 'Polled answer.');
      assert.ok((await fake.requests()).some((r) => r.endpoint === 'retrieve'));
    } finally {
      await configure({ responseMode: undefined });
    }
  });

  test('a failure shows in the turn with its fixes; without a key nothing is sent', async () => {
    await api.clearToken();
    const turn = await ask('Anything?');
    assert.equal(turn.status, 'failed');
    assert.match(turn.error!.message, /No Coze API key/);
    assert.deepEqual(turn.error!.actions.map((a) => a.action), ['setKey']);
    assert.deepEqual(await fake.requests(), []);

    await api.setToken('pat_wrongwrongwrongwrong123');
    const rejected = await ask('Who am I?');
    assert.equal(rejected.status, 'failed');
    assert.equal(rejected.error!.code, 4100);
    assert.ok(rejected.error!.logId);
    assert.ok(rejected.error!.actions.some((a) => a.action === 'setKey'));
    assertNoToken('the chat state', JSON.stringify(state()));
  });

  test('the chat validates every message and ignores bad ones', async () => {
    const before = api.logLines().length;
    const bad: unknown[] = [
      { type: 'send', text: 42 },
      { type: 'send', text: 'hi', extra: true },
      { type: 'openConversation', id: '../../../etc/passwd' },
      { type: 'deleteConversation', id: 'a/b' },
      { type: 'selectBot', botId: 'not-a-number' },
      { type: 'fixAction', action: 'runCommand' },
      { type: 'insertCode', code: { evil: true } },
      { type: 'unknown' },
      'send',
      null,
    ];
    for (const message of bad) api.chat.send(message);
    api.chat.send({ type: 'openLink', href: 'javascript:alert(1)' });
    api.chat.send({ type: 'selectBot', botId: '123456789' }); // well-formed, but not a configured bot: ignored
    await new Promise((r) => setTimeout(r, 300));
    const lines = api.logLines().slice(before).join('\n');
    assert.equal((lines.match(/Ignored a malformed message from the chat view/g) ?? []).length, bad.length);
    assert.match(lines, /Blocked a link with a disallowed scheme from the chat view/);
    assert.equal(state().botId, BOT_ID);
    assert.deepEqual(await fake.requests(), [], 'no question was sent by a bad message');
  });

  test('switching the bot from the header starts a new chat with it', async () => {
    await configure({ bots: [{ name: 'Reviewer', id: '1234567890123' }] });
    try {
      await waitFor('the bots', () => (state().bots.length === 2 ? true : undefined));
      assert.deepEqual(state().bots.map((b) => b.id), [BOT_ID, '1234567890123']);
      await ask('Hello default bot');
      const first = state().conversationId;
      api.chat.send({ type: 'selectBot', botId: '1234567890123' });
      await waitFor('a new chat with the reviewer', () => (state().conversationId !== first && state().botId === '1234567890123') || undefined);
      const turn = await ask('Hello reviewer');
      assert.equal(turn.botName, 'Reviewer');
      const chats = await chatRequests();
      assert.equal((chats.at(-1)!.body as { bot_id: string }).bot_id, '1234567890123');
      assert.equal(chats.at(-1)!.query.conversation_id, undefined, 'a new conversation');
    } finally {
      api.chat.send({ type: 'selectBot', botId: BOT_ID });
      await configure({ bots: undefined });
    }
  });

  test('Insert at cursor replaces the selection of the last active editor', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'before\nREPLACE\nafter\n', language: 'typescript' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 1, 7);
    api.chat.send({ type: 'insertCode', code: 'const inserted = 1;' });
    await waitFor('the inserted code', () => (doc.getText() === 'before\nconst inserted = 1;\nafter\n' ? true : undefined));
  });

  test('"Continue in chat" moves an Ask Coze answer into the chat, in the same Coze conversation', async () => {
    await fake.behavior({ answers: ['Panel answer.'], followUps: [] });
    const outcome = await vscode.commands.executeCommand<AskOutcome>('askCoze.ask', { question: 'Asked in the panel' });
    assert.equal(outcome?.status, 'answered');
    if (outcome?.status !== 'answered') return;
    api.sendFromPanel({ type: 'continueInChat' });
    await waitFor('the adopted conversation', () => (state().turns[0]?.question === 'Asked in the panel' ? true : undefined));
    assert.equal(state().turns[0]!.answer, 'Panel answer.');
    assert.equal(state().turns[0]!.status, 'done');
    await ask('Continue from there');
    const chats = await chatRequests();
    assert.equal(chats.at(-1)!.query.conversation_id, outcome.conversationId);
  });

  test('the chat view page has a strict CSP and no token', async () => {
    await vscode.commands.executeCommand('askCoze.openChat');
    const html = await waitFor('the chat view', () => api.chat.html());
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /^default-src 'none';/);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9]+'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
    assert.match(html, /webview\/chat\.js/);
    assertNoToken('the chat view HTML', html);
  });
});
