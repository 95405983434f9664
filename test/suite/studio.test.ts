import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { activateForTests, BOT_ID, configure, fake, fakeUrl, testToken, waitFor } from './fakeControl';

// A self-hosted Coze Studio, set up from the user's settings as its README section says (region "studio",
// the base URL), against the fake server's Studio dialect: a question in each response mode, and one stopped.

let api: AskCozeTestingApi;

const ask = (question: string, mode: 'stream' | 'poll') =>
  vscode.commands.executeCommand<AskOutcome>('askCoze.ask', { question, mode }) as Promise<AskOutcome>;

suite('Coze Studio', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({ region: 'studio', baseUrl: fakeUrl() });
    // The key is kept per address: the Studio's, set as a user would after switching.
    await api.setToken(testToken());
  });

  setup(async () => {
    await fake.reset();
    await fake.behavior({ dialect: 'studio', completeAfterMs: 150, deltaIntervalMs: 5, deltaSize: 16 });
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await fake.reset();
    await configure({ region: 'custom' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const mode of ['stream', 'poll'] as const) {
    test(`answers a question in ${mode} mode`, async () => {
      const outcome = await ask(`What is Coze Studio? (${mode})`, mode);
      assert.equal(outcome.status, 'answered', JSON.stringify(outcome));
      if (outcome.status !== 'answered') return;
      assert.match(outcome.text, /Coze Studio/, 'the answer quotes the question');
      const sent = (await fake.requests()).find((r) => r.endpoint === 'chat');
      assert.equal((sent?.body as { stream?: unknown }).stream, mode === 'stream', '"stream" is always sent explicitly');
      if (mode === 'poll') {
        assert.ok((await fake.requests()).some((r) => r.endpoint === 'list'), 'the answer was read from message/list');
      }
      assert.equal(api.latestPanel()?.state.phase, 'done');
    });
  }

  test('Stop cancels the question on Studio and keeps what arrived', async () => {
    await fake.behavior({ completeAfterMs: 20_000, deltaIntervalMs: 100, deltaSize: 4, answers: ['s'.repeat(2000)] });
    const pending = ask('A long Studio story, please', 'stream');
    await waitFor('the first text', () => {
      const panel = api.latestPanel();
      return (panel?.state.question === 'A long Studio story, please' && panel.state.text.length > 0) || undefined;
    });
    await vscode.commands.executeCommand('askCoze.stop');
    const outcome = await pending;
    assert.equal(outcome.status, 'canceled');
    if (outcome.status !== 'canceled') return;
    assert.ok(outcome.partialText.length > 0, 'the partial answer is kept');
    await waitFor('POST /v3/chat/cancel', async () => (await fake.requests()).find((r) => r.endpoint === 'cancel'));
    assert.equal(api.latestPanel()?.state.phase, 'canceled');
  });

  for (const mode of ['stream', 'poll'] as const) {
    test(`a bot not published to the API connector says how to publish it in Studio (${mode})`, async () => {
      await fake.behavior({ unpublishedBotIds: [BOT_ID] });
      const outcome = await ask('Hello, Studio?', mode);
      assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
      assert.match(api.notifications().at(-1)!.message, /In Coze Studio, open the bot, choose Publish/);
    });
  }

  test('a rejected key says to make one in Studio, without region advice', async () => {
    await api.clearToken();
    await api.setToken('pat_not_the_right_one');
    try {
      const outcome = await ask('Who am I?', 'stream');
      assert.equal(outcome.status, 'failed');
      const shown = api.notifications().at(-1)!;
      assert.match(shown.message, /Coze Studio/);
      assert.ok(!shown.actions.some((a) => /api\.coze\.(cn|com)/.test(a)), `no region switch offered: ${shown.actions.join(', ')}`);
    } finally {
      await api.setToken(testToken());
    }
  });
});
