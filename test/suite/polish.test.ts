import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import type { SelectBotOutcome } from '../../src/bots/botPicker';
import type { ChatTurnView, ChatViewState } from '../../src/protocol';
import type { AskCozeTestingApi, QuickInputSnapshot } from '../../src/testingApi';
import { WALKTHROUGH_CONTEXT_KEYS } from '../../src/walkthrough/walkthroughProgress';
import { askInChat, newChat } from './chatDriver';
import { activateForTests, BOT_ID, chatRequests, configure, fake, fakeUrl, resetFakeAndKey, testToken, waitFor } from './fakeControl';
import { pressUntilGone } from './quickInputDriver';

// First run and the chat's polish (issue 11) inside a real extension host, against the fake Coze server.
// Walkthrough: each step's context key flips when the thing really happens (a platform chosen, a key stored for
// the address in use, a bot picked, the first answer), not when a button is pressed and the box is closed.
// Polish: a failure only a new key fixes offers Set API Key and no Retry, and setting the key through it asks
// again, once; Retry only under the last turn; a failed turn's meta; titles from quoted questions.

let api: AskCozeTestingApi;

const state = (): ChatViewState => api.chat.state();
const lastTurn = (): ChatTurnView | undefined => state().turns.at(-1);
const ask = (text: string) => askInChat(api, text);

/** The box of Ask Coze shown now, once it matches. */
function shownBox(kind: 'input' | 'pick', title: RegExp, ready: (box: QuickInputSnapshot) => boolean = () => true): Promise<QuickInputSnapshot> {
  return waitFor(`the ${kind} "${title.source}"`, () => {
    const box = api.quickInput();
    return box && box.kind === kind && !box.busy && title.test(box.title ?? '') && ready(box) ? box : undefined;
  });
}

async function pick(title: RegExp, label: string): Promise<void> {
  const box = await shownBox('pick', title, (b) => (b.items ?? []).some((i) => i.includes(label)));
  await api.activateQuickPickItem(label);
  await pressUntilGone(api, box, 'workbench.action.acceptSelectedQuickOpenItem');
}

/** A row of a picker that goes on to another step in the same box (Select Bot): accepted once. */
async function pickStep(title: RegExp, label: string): Promise<void> {
  await shownBox('pick', title, (b) => (b.items ?? []).some((i) => i.includes(label)));
  await api.activateQuickPickItem(label);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

async function closeBox(): Promise<void> {
  const box = api.quickInput();
  if (box) await pressUntilGone(api, box, 'workbench.action.closeQuickOpen');
}

/** Waits until the walkthrough's step `step` says `done`. */
async function step(name: keyof typeof WALKTHROUGH_CONTEXT_KEYS, done: boolean): Promise<void> {
  await waitFor(`the walkthrough's "${name}" step to be ${done ? 'done' : 'not done'}`, async () => (await api.walkthrough.facts())[name] === done || undefined);
}

suite('Walkthrough', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
  });

  setup(async () => {
    await closeBox();
    await resetFakeAndKey(api);
  });

  teardown(async () => {
    await closeBox();
  });

  suiteTeardown(async () => {
    await closeBox();
    await configure({ region: 'custom', baseUrl: fakeUrl(), botId: BOT_ID, bots: undefined });
    await api.setToken(testToken());
  });

  test('contributes the walkthrough, whose steps wait for the context keys the extension sets, and the Coze submenu', async () => {
    const manifest = vscode.extensions.getExtension('ask-coze.ask-coze')!.packageJSON as {
      contributes: {
        walkthroughs: Array<{ id: string; steps: Array<{ id: string; completionEvents: string[]; media: { svg?: string }; description: string }> }>;
        menus: Record<string, Array<{ command?: string; submenu?: string }>>;
        submenus: Array<{ id: string; label: string }>;
      };
    };
    const walkthrough = manifest.contributes.walkthroughs.find((w) => w.id === 'getStarted');
    assert.ok(walkthrough, 'the getStarted walkthrough');
    assert.deepEqual(walkthrough.steps.map((s) => s.id), ['platform', 'key', 'bot', 'ask']);
    assert.deepEqual(
      walkthrough.steps.map((s) => s.completionEvents),
      Object.values(WALKTHROUGH_CONTEXT_KEYS).map((key) => [`onContext:${key}`]),
    );
    for (const s of walkthrough.steps) {
      assert.match(s.media.svg ?? '', /^media\/walkthrough\/\w+\.svg$/);
      const command = /\(command:([\w.]+)\)/.exec(s.description)?.[1];
      assert.ok(command && (await vscode.commands.getCommands(true)).includes(command), `the button of step ${s.id} runs a registered command (${command})`);
    }
    const editorMenu = manifest.contributes.menus['editor/context']!;
    assert.deepEqual(editorMenu.filter((e) => e.command?.startsWith('askCoze.')), [], 'no Coze command loose in the editor context menu');
    assert.ok(editorMenu.some((e) => e.submenu === 'askCoze.editorContext'));
    assert.deepEqual(manifest.contributes.menus['askCoze.editorContext']!.map((e) => e.command), ['askCoze.ask', 'askCoze.askInChat', 'askCoze.attachActiveFile']);
  });

  test('platform: done once Coze: Choose Platform picks one (Escape leaves it open), and it stays done', async () => {
    await configure({ region: undefined });
    await api.walkthrough.forget();
    try {
      await step('platform', false);
      const first = vscode.commands.executeCommand<string | undefined>('askCoze.choosePlatform');
      const box = await shownBox('pick', /^Choose Platform$/, (b) => (b.items?.length ?? 0) === 4);
      assert.deepEqual(box.items, ['扣子 coze.cn', 'coze.com', 'Coze Studio', 'Another address'], 'the current platform (cn) first');
      assert.match(box.descriptions![0]!, /current · api\.coze\.cn$/);
      await pressUntilGone(api, box, 'workbench.action.closeQuickOpen');
      assert.equal(await first, undefined);
      await step('platform', false);

      const second = vscode.commands.executeCommand<string | undefined>('askCoze.choosePlatform');
      await pick(/^Choose Platform$/, 'Another address');
      assert.equal(await second, 'custom');
      assert.equal(vscode.workspace.getConfiguration('askCoze').inspect('region')?.globalValue, 'custom', 'written at user level');
      await step('platform', true);
    } finally {
      await configure({ region: 'custom', baseUrl: fakeUrl() });
    }
    // Kept in globalState: the choice stands even when the setting goes back to its default.
    await configure({ region: undefined });
    try {
      await api.walkthrough.facts();
      await step('platform', true);
    } finally {
      await configure({ region: 'custom' });
    }
  });

  test('key: done while a key is stored for the address the settings point at', async () => {
    await step('key', true);
    await api.clearToken();
    await step('key', false);
    await api.setToken(testToken());
    await step('key', true);
    // The other platform has no key of its own: the step is not done there.
    await configure({ region: 'com' });
    try {
      await step('key', false);
    } finally {
      await configure({ region: 'custom' });
    }
    await step('key', true);
  });

  test('bot: not done by the default bot id; done once Select Bot picks one, and by a bot id the user set', async () => {
    await configure({ botId: undefined, bots: [] });
    await api.walkthrough.forget();
    try {
      await step('bot', false);
      const outcome = vscode.commands.executeCommand<SelectBotOutcome>('askCoze.selectBot') as Thenable<SelectBotOutcome>;
      await pickStep(/^Select Bot$/, 'Personal');
      await pickStep(/^Select Bot$/, 'Code Helper');
      assert.deepEqual(await outcome, { status: 'picked', botId: BOT_ID, name: 'Code Helper', addedToList: false });
      await step('bot', true);

      await api.walkthrough.forget();
      await configure({ botId: undefined });
      await step('bot', false);
      await configure({ botId: '1234567890123' });
      await step('bot', true);
    } finally {
      await configure({ botId: BOT_ID, bots: [] });
    }
  });

  test('ask: not done by a failure; done by the first answer, from the chat or the answer panel', async () => {
    await api.walkthrough.forget();
    await newChat(api);
    await step('answered', false);
    await api.clearToken();
    const failed = await ask('Anything?');
    assert.equal(failed.status, 'failed');
    await step('answered', false);
    await api.setToken(testToken());

    const answered = await ask('My first question');
    assert.equal(answered.status, 'done');
    await step('answered', true);

    await api.walkthrough.forget();
    await step('answered', false);
    const outcome = (await vscode.commands.executeCommand<AskOutcome>('askCoze.ask', { question: 'From the panel' })) as AskOutcome;
    assert.equal(outcome.status, 'answered');
    await step('answered', true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

suite('Polish', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ bots: [] });
  });

  setup(async () => {
    await closeBox();
    await resetFakeAndKey(api, { followUps: [] });
    await newChat(api);
  });

  teardown(async () => {
    await closeBox();
    await api.setToken(testToken());
  });

  test('an invalid key (4100): Set API Key and no Retry; the key set there asks the question again, once', async () => {
    await api.setToken('pat_wrongwrongwrongwrong123');
    const rejected = await ask('Who am I?');
    assert.equal(rejected.status, 'failed');
    assert.equal(rejected.error!.code, 4100);
    assert.equal(rejected.canRetry, false, 'retrying the same key cannot help');
    assert.ok(rejected.error!.actions.some((a) => a.action === 'setKey'));
    assert.ok(!rejected.error!.actions.some((a) => (a.action as string) === 'retry'));
    assert.equal((await chatRequests()).length, 1);

    api.chat.send({ type: 'fixAction', action: 'setKey' });
    const box = await shownBox('input', /^Coze API key for /);
    api.setQuickInputValue(testToken());
    await pressUntilGone(api, box, 'workbench.action.acceptSelectedQuickOpenItem');
    const retried = await waitFor('the question asked again', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 30_000);
    await api.chat.whenIdle();
    assert.equal(retried.id, rejected.id, 'asked again in place');
    assert.equal(state().turns.length, 1);
    assert.equal((await chatRequests()).length, 2, 'asked once more, not twice');
  });

  test('no key: Set API Key and no Retry; Escape in the key box asks nothing; no time, and the bot by name', async () => {
    await api.clearToken();
    const turn = await ask('Anything?');
    assert.equal(turn.status, 'failed');
    assert.deepEqual(turn.error!.actions.map((a) => a.action), ['setKey']);
    assert.equal(turn.canRetry, false);
    assert.equal(turn.elapsedMs, undefined, 'nothing was sent: no "0.0 s"');
    assert.ok(turn.botName && turn.botName !== 'Default bot', `named, never "Default bot": ${turn.botName}`);
    assert.equal(turn.botName, api.bots.name(BOT_ID));

    api.chat.send({ type: 'fixAction', action: 'setKey' });
    await pressUntilGone(api, await shownBox('input', /^Coze API key for /), 'workbench.action.closeQuickOpen');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(lastTurn()!.status, 'failed', 'no key, no retry');
    assert.deepEqual(await fake.requests(), []);

    // A question that reached Coze and failed there keeps its time.
    await api.setToken(testToken());
    await fake.fault({ endpoint: 'chat', kind: 'json-error-for-stream', code: 4000, msg: 'invalid parameter' });
    const failed = await ask('And now?');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error!.code, 4000);
    assert.notEqual(failed.elapsedMs, undefined);
    assert.equal(failed.canRetry, true, 'not a key problem: Retry');
  });

  test('Retry only under the last turn: a stopped turn loses it once another question follows', async () => {
    await fake.behavior({ completeAfterMs: 20_000, deltaIntervalMs: 50, deltaSize: 4, answers: ['s'.repeat(2000)] });
    api.chat.send({ type: 'send', text: 'A long story, please' });
    await waitFor('the first text', () => ((lastTurn()?.answer.length ?? 0) > 0 && lastTurn()?.status === 'streaming') || undefined);
    assert.equal(lastTurn()!.canRetry, false, 'not while answering');
    api.chat.send({ type: 'stop' });
    await waitFor('the stopped turn', () => (lastTurn()?.status === 'stopped' && !state().busy) || undefined);
    await api.chat.whenIdle();
    assert.equal(lastTurn()!.canRetry, true, 'the stopped turn is the last: Retry');

    await fake.behavior({ completeAfterMs: 100, deltaIntervalMs: 5, deltaSize: 16, answers: ['Short.'] });
    const after = await ask('Shorter, please');
    assert.equal(after.status, 'done');
    const [stopped, done] = state().turns;
    assert.equal(stopped!.status, 'stopped');
    assert.equal(stopped!.canRetry, false, 'no Retry above a later turn');
    assert.equal(done!.canRetry, false, 'no Retry under an answer');
  });

  test('titles: the question under quoted code, the file and first line for code only, no Markdown marks', async () => {
    await ask('`sample.ts:2`\n```typescript\nexport function greetCozeUser(name: string): string {\n```\n\nWhat does this function do?');
    assert.equal(state().title, 'What does this function do?');
    await waitFor('the title in the history', () => state().history.some((h) => h.title === 'What does this function do?') || undefined);

    await newChat(api);
    await ask('`sample.ts:2-4`\n```typescript\nexport function greetCozeUser(name: string): string {\n  return name;\n}\n```\n');
    assert.equal(state().title, 'sample.ts:2-4 · export function greetCozeUser(name: string): string {');

    await newChat(api);
    await ask(`## Build\nWhy is \`npm run build\` so slow on a machine with two cores when the repository has ${'many '.repeat(20)}packages?`);
    assert.match(state().title, /^Build: Why is npm run build so slow .*…$/);
    assert.ok(Array.from(state().title).length <= 72);
  });
});
