import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ChatStore } from '../../src/chat/chatStore';
import { HistorySearcher, type SearchHit } from '../../src/chat/historySearch';
import type { ChatViewState } from '../../src/protocol';
import type { AskCozeTestingApi, QuickInputSnapshot } from '../../src/testingApi';
import { askInChat, newChat } from './chatDriver';
import { activateForTests, assertNoToken, configure, resetFakeAndKey, waitFor } from './fakeControl';

// The chat history that scales, inside a real extension host against the fake Coze server: conversations asked
// through the chat, then found by Coze: Search Chat History (questions and answers, Chinese too) and opened at
// the turn found; the search over the files the extension wrote, its hits streaming and a new query cancelling
// the old one; and Coze: Export Conversation as Markdown through the save dialog (answered by the test).

let api: AskCozeTestingApi;
const state = (): ChatViewState => api.chat.state();

const ANSWERS: Record<string, string> = {
  'How does the event loop work?': 'The event loop takes one task at a time from its queue.',
  '什么是闭包？': '闭包是一个函数，以及它捕获的作用域。',
  'Tell me about promises': 'A promise settles once; the event\nloop runs its callbacks later.',
  'And with async/await?': 'Use `await`:\n\n```ts\nconst text = await readFile(path, "utf8");\n```',
};

/** A conversation of these questions; resolves with its id once it is on disk. */
async function conversationOf(...questions: string[]): Promise<string> {
  await newChat(api);
  for (const q of questions) assert.equal((await askInChat(api, q)).status, 'done');
  const id = state().conversationId;
  const file = path.join(api.chat.storeDir(), 'conversations', `${id}.json`);
  await waitFor('the conversation on disk', () => (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(ANSWERS[questions.at(-1)!]!.slice(0, 10)) ? true : undefined));
  return id;
}

async function picker(title: string, probe: (shown: QuickInputSnapshot) => boolean = () => true): Promise<QuickInputSnapshot> {
  return waitFor(`the picker "${title}"`, () => {
    const shown = api.quickInput();
    return shown?.kind === 'pick' && shown.title?.startsWith(title) && !shown.busy && probe(shown) ? shown : undefined;
  });
}

suite('History', function () {
  this.timeout(90_000);
  const ids: Record<string, string> = {};

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ bots: [] });
    await resetFakeAndKey(api, { deltaIntervalMs: 2, deltaSize: 40, followUps: [], answerFor: Object.fromEntries(Object.entries(ANSWERS).map(([q, a]) => [q, [a]])) });
    ids.loop = await conversationOf('How does the event loop work?');
    ids.closure = await conversationOf('什么是闭包？');
    ids.promises = await conversationOf('Tell me about promises', 'And with async/await?');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await configure({ bots: undefined });
  });

  test('Search Chat History finds questions and answers in every conversation (Chinese too) and opens the turn found', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('askCoze.searchHistory') && commands.includes('askCoze.exportConversation'));
    const done = vscode.commands.executeCommand('askCoze.searchHistory');
    // Nothing typed yet: the conversations themselves, most recent first.
    const start = await picker('Search Chat History', (s) => (s.items?.length ?? 0) >= 3);
    const titles = (id: string) => state().history.find((h) => h.id === id)!.title;
    assert.deepEqual(start.items!.slice(0, 3), [titles(ids.promises), titles(ids.closure), titles(ids.loop)]);

    api.setQuickInputValue('EVENT loop');
    const hits = await picker('Search Chat History', (s) => s.details?.some((d) => d.includes('runs its callbacks')) ?? false);
    // The newest conversation first; its answer matched across a line break; the other one matched in its question.
    assert.deepEqual(hits.items, [titles(ids.promises), titles(ids.loop)]);
    assert.equal(hits.details![0], 'A promise settles once; the event loop runs its callbacks later.');
    assert.match(hits.descriptions![0]!, /In an answer$/);
    assert.equal(hits.details![1], 'How does the event loop work?');
    assert.match(hits.descriptions![1]!, /In a question$/);

    api.setQuickInputValue('作用域');
    const chinese = await picker('Search Chat History', (s) => s.items?.length === 1 && s.items[0] === titles(ids.closure));
    assert.equal(chinese.details![0], '闭包是一个函数，以及它捕获的作用域。');

    api.setQuickInputValue('no conversation says xylophone');
    await picker('Search Chat History — No conversation mentions this.', (s) => s.items?.length === 0);

    api.setQuickInputValue('await');
    await picker('Search Chat History', (s) => s.items?.[0] === titles(ids.promises));
    await api.activateQuickPickItem(titles(ids.promises));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await done;
    await waitFor('the conversation opened', () => (state().conversationId === ids.promises ? true : undefined));
  });

  test('the search reads the files the extension wrote: hits stream in as found, and a new query cancels the old one', async () => {
    // Over the same folder and files as the extension's own searcher (the view's search box and the command).
    const store = new ChatStore(api.chat.storeDir());
    await store.load();
    const searcher = new HistorySearcher(() => store.conversationFiles());
    const batches: SearchHit[][] = [];
    const all = await searcher.search('the', (hits) => batches.push(hits));
    assert.equal(all.status, 'done');
    const mine = (id: string) => Object.values(ids).includes(id);
    assert.ok(batches.length >= 2, `hits come conversation by conversation (${batches.length} batches)`);
    // (Conversations of other suites may match too; these are the newest.)
    assert.deepEqual(batches.map((b) => b[0]!.conversationId).filter(mine), [ids.promises, ids.loop]);

    const first: SearchHit[][] = [];
    let second: Promise<unknown> | undefined;
    const secondHits: SearchHit[] = [];
    const outcome = await searcher.search('the', (hits) => {
      first.push(hits);
      // The user typed on once the first hits showed.
      second ??= searcher.search('闭包', (more) => secondHits.push(...more));
    });
    assert.equal(outcome.status, 'canceled');
    assert.equal(first.length, 1, 'nothing of the old query after the new one began');
    await second;
    assert.deepEqual(secondHits.filter((h) => mine(h.conversationId)).map((h) => [h.conversationId, h.field]), [[ids.closure, 'question']]);
  });

  test('Export Conversation as Markdown writes the open conversation where the save dialog says, without the token', async () => {
    api.chat.send({ type: 'openConversation', id: ids.promises });
    await waitFor('the conversation opened', () => (state().conversationId === ids.promises ? true : undefined));
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-export-'));
    const target = vscode.Uri.file(path.join(folder, 'promises.md'));
    api.answerSaveDialog(target);
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('askCoze.exportConversation');
    assert.equal(written?.toString(), target.toString());
    const dialog = api.saveDialogs().at(-1)!;
    const title = state().title;
    assert.ok(decodeURIComponent(dialog.defaultUri ?? '').endsWith(`/${title}.md`), `the title names the file offered: ${dialog.defaultUri}`);
    assert.equal(dialog.title, 'Export Conversation as Markdown');

    const saved = JSON.parse(fs.readFileSync(path.join(api.chat.storeDir(), 'conversations', `${ids.promises}.json`), 'utf8')) as { createdAt: number };
    const date = new Intl.DateTimeFormat(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' }).format(saved.createdAt);
    const bot = state().turns[0]!.botName ?? '';
    const text = fs.readFileSync(target.fsPath, 'utf8');
    assert.equal(
      text,
      [
        `# ${title}`,
        '',
        `- **Date:** ${date}`,
        `- **Bot:** ${bot}`,
        '',
        '---',
        '',
        '**You:**',
        '',
        'Tell me about promises',
        '',
        `**${bot}:**`,
        '',
        ANSWERS['Tell me about promises'],
        '',
        '---',
        '',
        '**You:**',
        '',
        'And with async/await?',
        '',
        `**${bot}:**`,
        '',
        ANSWERS['And with async/await?'],
        '',
      ].join('\n'),
    );
    assertNoToken('the exported Markdown', text);
    await waitFor('the notification', () => api.notifications().find((n) => n.message.startsWith('Conversation exported to')));
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('a history item’s Export exports that conversation; a canceled dialog writes nothing; an empty chat has nothing to export', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-export-'));
    const target = vscode.Uri.file(path.join(folder, 'closure.md'));
    const dialogs = api.saveDialogs().length;
    api.answerSaveDialog(target);
    // The history's Export button, as the chat view sends it (validated like every message of the view).
    api.chat.send({ type: 'exportConversation', id: ids.closure });
    await waitFor('the exported file', () => (fs.existsSync(target.fsPath) ? true : undefined));
    const text = fs.readFileSync(target.fsPath, 'utf8');
    const title = state().history.find((h) => h.id === ids.closure)!.title;
    assert.ok(text.startsWith(`# ${title}\n`), text.slice(0, 80));
    assert.ok(text.includes('**You:**\n\n什么是闭包？\n') && text.includes('闭包是一个函数，以及它捕获的作用域。'));
    assert.ok(decodeURIComponent(api.saveDialogs()[dialogs]!.defaultUri ?? '').endsWith(`/${title}.md`));

    api.answerSaveDialog(undefined);
    assert.equal(await vscode.commands.executeCommand('askCoze.exportConversation', ids.loop), undefined);
    assert.deepEqual(fs.readdirSync(folder), ['closure.md'], 'canceled: nothing written');

    await newChat(api);
    const before = api.saveDialogs().length;
    assert.equal(await vscode.commands.executeCommand('askCoze.exportConversation'), undefined);
    assert.equal(api.saveDialogs().length, before, 'no dialog for an empty chat');
    assert.ok(api.notifications().some((n) => n.message === 'There is nothing to export yet: this chat has no questions.'));
    fs.rmSync(folder, { recursive: true, force: true });
  });
});
