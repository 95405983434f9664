import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import type { SelectBotOutcome } from '../../src/bots/botPicker';
import type { AskCozeTestingApi, QuickInputSnapshot } from '../../src/testingApi';
import { activateForTests, BOT_ID, configure, fake, resetFakeAndKey, waitFor } from './fakeControl';

// Coze: Select Bot inside a real VS Code, against the fake's workspaces and bots (test/fake-coze/catalog.ts: two
// workspaces; "Personal" has 23 bots published to the API channel, two pages of 20, and a draft). The picker is
// driven as a user drives it: the row is made active and VS Code's own accept command picks it. Then what the
// pick changes: askCoze.botId at user level, the chat, the status bar, the answer panel, askCoze.bots; the
// paste-an-id fallback where there is no list (a key without listBot, Coze Studio); and the quiet name lookup.

let api: AskCozeTestingApi;

const PERSONAL = '7300000000000000101';
const HELPER_05 = '7445600453913970005';
const TRANSLATOR = '7445600453913980001'; // 翻译助手, in the team workspace
const SQL_EXPERT = '7445600453913980002';

const selectBot = () => vscode.commands.executeCommand<SelectBotOutcome>('askCoze.selectBot') as Promise<SelectBotOutcome>;
const accept = () => vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
const userBotId = () => vscode.workspace.getConfiguration('askCoze').inspect<string>('botId')?.globalValue;
const userBots = () => vscode.workspace.getConfiguration('askCoze').inspect<unknown[]>('bots')?.globalValue ?? [];
const requestsTo = async (endpoint: string) => (await fake.requests()).filter((r) => (r.endpoint as string) === endpoint);

/** The box Select Bot shows once it has settled (not busy) and `ready` holds. */
function shown(kind: 'pick' | 'input', what: string, ready: (box: QuickInputSnapshot) => boolean = () => true): Promise<QuickInputSnapshot> {
  return waitFor(what, () => {
    const box = api.quickInput();
    return box && box.kind === kind && !box.busy && ready(box) ? box : undefined;
  });
}

const rows = (box: QuickInputSnapshot) => box.items ?? [];
const hasRow = (label: string) => (box: QuickInputSnapshot) => rows(box).some((row) => row.includes(label));

async function pickRow(label: string): Promise<void> {
  await api.activateQuickPickItem(label);
  await accept();
}

async function closeBox(): Promise<void> {
  if (!api.quickInput()) return;
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  await waitFor('the box to close', () => api.quickInput() === undefined || undefined);
}

suite('Select Bot', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
  });

  setup(async () => {
    await closeBox();
    await api.chat.whenIdle();
    await configure({ region: 'custom', botId: BOT_ID, bots: [] });
    await api.bots.setBackgroundLookups(false);
    await api.bots.forgetNames();
    await resetFakeAndKey(api);
    api.chat.send({ type: 'newChat' });
    // An empty chat keeps the bot an earlier test picked: back to askCoze.botId's, as the header would.
    api.chat.send({ type: 'selectBot', botId: BOT_ID });
    await waitFor('an empty chat with the default bot', () => (api.chat.state().turns.length === 0 && api.chat.state().botId === BOT_ID) || undefined);
  });

  teardown(async () => {
    await closeBox();
  });

  suiteTeardown(async () => {
    await closeBox();
    await api.bots.setBackgroundLookups(false);
    await api.bots.forgetNames();
    await configure({ region: 'custom', botId: BOT_ID, bots: undefined });
    await fake.reset();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('contributes the command, and the status bar shows the current bot', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('askCoze.selectBot'));
    const item = api.bots.statusBar();
    assert.equal(item.command, 'askCoze.selectBot');
    // No name is known yet (no lookups under test until asked for): the id, shortened, never "Default bot".
    assert.equal(item.text, '$(hubot) Bot …3968691');
    assert.match(item.tooltip, new RegExp(BOT_ID));
    assert.equal(api.chat.state().bots.find((b) => b.id === BOT_ID)?.name, 'Bot …3968691');
  });

  test('lists the workspaces, then every page of API bots; the pick becomes the bot of Ask Coze, the chat and the status bar', async () => {
    const outcome = selectBot();
    const workspaces = await shown('pick', 'the workspaces', hasRow('Personal'));
    assert.ok(rows(workspaces).some((row) => row.includes('研发团队')));
    assert.ok(rows(workspaces).some((row) => row.includes('Paste a Bot Id')), 'pasting an id is always on offer');
    await pickRow('Personal');

    const bots = await shown('pick', 'the bots of Personal', hasRow('Helper 22'));
    const botRows = rows(bots).filter((row) => row.startsWith('$(hubot)'));
    assert.equal(botRows.length, 23, 'both pages of API bots, and no draft');
    assert.ok(!rows(bots).some((row) => row.includes('Draft Bot')));
    const current = rows(bots).findIndex((row) => row.includes('Code Helper'));
    assert.match(bots.descriptions![current]!, /^\$\(check\) current · 7445600453913968691$/, 'the current bot is marked');

    const listed = await requestsTo('bots');
    assert.deepEqual(listed.map((r) => r.query.page_num), ['1', '2']);
    for (const r of listed) {
      assert.equal(r.query.workspace_id, PERSONAL);
      assert.equal(r.query.connector_id, '1024', 'the API channel');
      assert.equal(r.query.publish_status, 'published_online');
    }

    // The follow-up offer to keep the bot in the chat's list, answered as a click on its button would.
    api.answerNotification(/now use Helper 05/, 'Add to Chat Bots');
    await pickRow('Helper 05');
    const result = await outcome;
    assert.deepEqual(result, { status: 'picked', botId: HELPER_05, name: 'Helper 05', addedToList: false });
    assert.equal(userBotId(), HELPER_05, 'askCoze.botId is written at user level');
    await waitFor('Helper 05 in askCoze.bots', () => userBots().some((b) => (b as { id?: string }).id === HELPER_05) || undefined);
    assert.deepEqual(userBots(), [{ name: 'Helper 05', id: HELPER_05 }]);

    const item = api.bots.statusBar();
    assert.equal(item.text, '$(hubot) Helper 05');
    assert.match(item.tooltip, new RegExp(HELPER_05));
    assert.equal(item.label, 'Coze bot: Helper 05. Select Bot');

    const chat = await waitFor('the chat on Helper 05', () => (api.chat.state().botId === HELPER_05 ? api.chat.state() : undefined));
    assert.equal(chat.bots.find((b) => b.id === HELPER_05)?.name, 'Helper 05');

    const answer = (await vscode.commands.executeCommand<AskOutcome>('askCoze.ask', { question: 'Who are you?' })) as AskOutcome;
    assert.equal(answer.status, 'answered');
    const panel = api.latestPanel()!;
    assert.equal(panel.state.botId, HELPER_05);
    assert.equal(panel.state.botName, 'Helper 05', 'the answer panel names the bot');
    const sent = (await requestsTo('chat')).at(-1)!;
    assert.equal((sent.body as { bot_id?: string }).bot_id, HELPER_05);

    // Picking it again adds no second entry, and offers nothing more.
    const before = api.notifications().length;
    const again = selectBot();
    await shown('pick', 'the workspaces again', hasRow('Personal'));
    await pickRow('Personal');
    await shown('pick', 'the bots again', hasRow('Helper 05'));
    await pickRow('Helper 05');
    assert.equal((await again).status, 'picked');
    assert.equal(userBots().length, 1);
    assert.equal(api.notifications().length, before, 'a bot already in the list is not offered again');
  });

  test('a chat that is answering keeps its bot; the next new chat starts with the one picked', async () => {
    await fake.behavior({ completeAfterMs: 20_000, deltaIntervalMs: 100, deltaSize: 4, answers: ['s'.repeat(2000)] });
    api.chat.send({ type: 'send', text: 'A long story, please' });
    await waitFor('the chat answering', () => api.chat.state().busy || undefined);
    const outcome = selectBot();
    await shown('pick', 'the workspaces', hasRow('Personal'));
    await pickRow('Personal');
    await shown('pick', 'the bots', hasRow('Helper 05'));
    await pickRow('Helper 05');
    try {
      assert.equal((await outcome).status, 'picked');
      assert.equal(api.chat.state().botId, BOT_ID, 'the answer goes on with its bot');
      assert.ok(api.chat.state().busy);
    } finally {
      api.chat.send({ type: 'stop' });
      await api.chat.whenIdle();
    }
    api.chat.send({ type: 'newChat' });
    await waitFor('a new chat with Helper 05', () => (api.chat.state().turns.length === 0 && api.chat.state().botId === HELPER_05) || undefined);
  });

  test('a key without the listBot permission (4101) says why and offers to paste an id, which is looked up for its name', async () => {
    await fake.behavior({ botListDenied: 4101 });
    api.answerNotification(/listBot/, 'Paste a Bot Id…');
    const outcome = selectBot();
    await shown('pick', 'the workspaces', hasRow('Personal'));
    await pickRow('Personal');
    const result = await outcome;
    assert.equal(result.status, 'failed');
    assert.equal(result.status === 'failed' && result.code, 4101);
    const told = api.notifications().at(-1)!;
    assert.match(told.message, /may not list the bots .* listBot permission/);
    assert.match(told.message, /code 4101/);
    assert.match(told.message, /logid /);
    assert.equal(told.actions[0], 'Paste a Bot Id…');
    assert.ok(told.actions.includes('Set API Key'), 'and the fixes of a rejected key');

    const input = await shown('input', 'the bot id box');
    assert.match(input.prompt ?? '', /number after \/bot\//);
    // What people have on the clipboard: the bot's address in Coze.
    api.setQuickInputValue(`https://www.coze.cn/space/7300000000000000202/bot/${TRANSLATOR}`);
    await accept();
    await waitFor('the pasted bot in use', () => userBotId() === TRANSLATOR || undefined);
    assert.equal(api.quickInput(), undefined);
    assert.deepEqual(
      (await requestsTo('bot')).map((r) => r.path),
      [`/v1/bots/${TRANSLATOR}`],
      'the bot was looked up for its name',
    );
    await waitFor('the name in the status bar', () => api.bots.statusBar().text === '$(hubot) 翻译助手' || undefined);
    assert.equal(api.bots.name(TRANSLATOR), '翻译助手');
  });

  test('on Coze Studio it asks for an id at once; a bot the lookup does not find can still be used', async () => {
    await configure({ region: 'studio' });
    await fake.behavior({ dialect: 'studio' });
    const before = api.notifications().length;
    const outcome = selectBot();
    const input = await shown('input', 'the bot id box');
    assert.match(input.prompt ?? '', /Coze Studio has no list of bots/);
    assert.deepEqual(await requestsTo('workspaces'), [], 'Studio has no list: none is asked for');

    // (A value set through the API fires no change event, so the check runs on Enter here, as it also does.)
    api.setQuickInputValue('not a bot');
    await accept();
    await waitFor('the hint about ids', () => /digits of a bot id/.test(api.quickInput()?.validationMessage ?? '') || undefined);
    assert.deepEqual(await requestsTo('bot'), [], 'nothing is looked up for it');

    api.setQuickInputValue('123456789012');
    await accept();
    const warned = await shown('input', 'the failed lookup explained', (box) => /Press Enter to use this id anyway/.test(box.validationMessage ?? ''));
    assert.match(warned.validationMessage!, /code \d+/);
    assert.match(warned.validationMessage!, /logid /);
    assert.ok(warned.validationWarning, 'a warning: Enter still goes on');
    await accept();
    assert.deepEqual(await outcome, { status: 'picked', botId: '123456789012', name: undefined, addedToList: false });
    assert.equal(userBotId(), '123456789012');
    assert.equal(api.bots.statusBar().text, '$(hubot) Bot …6789012');
    assert.equal(api.notifications().length, before, 'nothing popped up: the box said it all');

    // A bot Studio knows gets its name.
    const second = selectBot();
    await shown('input', 'the bot id box again');
    api.setQuickInputValue(SQL_EXPERT);
    await accept();
    assert.deepEqual(await second, { status: 'picked', botId: SQL_EXPERT, name: 'SQL Expert', addedToList: false });
    await waitFor('SQL Expert in the status bar', () => api.bots.statusBar().text === '$(hubot) SQL Expert' || undefined);
  });

  test('one workspace is not asked for; an empty one says so, offers paste, and goes back', async () => {
    await fake.behavior({ workspaces: [{ id: PERSONAL, name: 'Personal' }] });
    const outcome = selectBot();
    const bots = await shown('pick', 'the bots of the only workspace', hasRow('Code Helper'));
    assert.ok(!rows(bots).some((row) => row.includes('研发团队')));
    assert.deepEqual((await requestsTo('bots')).map((r) => r.query.workspace_id), [PERSONAL, PERSONAL]);
    await closeBox();
    assert.deepEqual(await outcome, { status: 'canceled' });
    assert.equal(userBotId(), BOT_ID, 'nothing changed');

    await fake.behavior({ workspaces: null, bots: [] });
    const second = selectBot();
    await shown('pick', 'the workspaces', hasRow('研发团队'));
    await pickRow('研发团队');
    const empty = await shown('pick', 'the empty workspace', (box) => /No bot in 研发团队 is published to the API channel/.test(box.placeholder ?? ''));
    assert.ok(rows(empty).some((row) => row.includes('Paste a Bot Id')));
    await pickRow('Choose Another Workspace');
    await shown('pick', 'the workspaces again', hasRow('Personal'));
    await closeBox();
    assert.deepEqual(await second, { status: 'canceled' });
  });

  test('without a key it offers to set one and sends nothing', async () => {
    await api.clearToken();
    assert.deepEqual(await selectBot(), { status: 'not-ready' });
    const told = api.notifications().at(-1)!;
    assert.match(told.message, /No Coze API key/);
    assert.ok(told.actions.includes('Set API Key'));
    assert.deepEqual(await fake.requests(), []);
  });

  test('the chat header button opens the picker', async () => {
    api.chat.send({ type: 'openBotPicker' });
    await shown('pick', 'the picker from the chat header', hasRow('Personal'));
    await closeBox();
  });

  test('the name of askCoze.botId is looked up once per session, quietly, and a failed lookup leaves the short id', async () => {
    await configure({ botId: SQL_EXPERT });
    await waitFor('the short id', () => api.bots.statusBar().text === '$(hubot) Bot …3980002' || undefined);
    const before = api.notifications().length;
    await api.bots.setBackgroundLookups(true);
    await waitFor('the looked-up name', () => api.bots.statusBar().text === '$(hubot) SQL Expert' || undefined);
    assert.equal(api.chat.state().bots.find((b) => b.id === SQL_EXPERT)?.name, 'SQL Expert', 'the chat header too');

    const lines = api.logLines().length;
    await configure({ botId: '999999999999' });
    await waitFor('the failed lookup logged', () => api.logLines().slice(lines).some((l) => /bot 999999999999 keeps its id/.test(l)) || undefined);
    await waitFor('the short id', () => api.bots.statusBar().text === '$(hubot) Bot …9999999' || undefined);

    await configure({ botId: SQL_EXPERT });
    // Known from the cache: no second lookup.
    await waitFor('the cached name', () => api.bots.statusBar().text === '$(hubot) SQL Expert' || undefined);
    assert.deepEqual(
      (await requestsTo('bot')).map((r) => r.path),
      [`/v1/bots/${SQL_EXPERT}`, '/v1/bots/999999999999'],
      'one lookup per bot and session',
    );
    assert.equal(api.notifications().length, before, 'lookups never notify');
  });
});
