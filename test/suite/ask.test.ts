import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { activateForTests, assertNoToken, BOT_ID, chatRequests, fake, resetFakeAndKey, waitFor } from './fakeControl';

// "Ask Coze" end to end inside a real extension host, against the fake Coze server: both response modes,
// the panel's content, the error paths a user meets first (no key, 4100, 4015), cancellation reaching Coze,
// follow-ups continuing the conversation, and the token staying out of everything the extension shows.

let api: AskCozeTestingApi;

const ask = (question: string, mode?: 'stream' | 'poll') =>
  vscode.commands.executeCommand<AskOutcome>('askCoze.ask', { question, mode }) as Promise<AskOutcome>;

suite('Ask Coze', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
  });

  setup(() => resetFakeAndKey(api));

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('contributes its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['askCoze.ask', 'askCoze.stop', 'askCoze.setApiKey', 'askCoze.clearApiKey', 'askCoze.showLog']) {
      assert.ok(commands.includes(id), `${id} is not registered`);
    }
  });

  for (const mode of ['stream', 'poll'] as const) {
    test(`answers in ${mode} mode and renders the answer in a panel`, async () => {
      await fake.behavior({ answers: ['## Debounce\n\nUse `setTimeout`:\n\n```ts\nlet t: NodeJS.Timeout;\n```'], followUps: ['What about throttle?'] });
      const outcome = await ask('How do I debounce?', mode);
      assert.equal(outcome.status, 'answered', JSON.stringify(outcome));
      if (outcome.status !== 'answered') return;
      assert.match(outcome.text, /## Debounce/);
      assert.deepEqual(outcome.followUps, ['What about throttle?']);

      const panel = api.latestPanel();
      assert.ok(panel, 'no answer panel');
      assert.match(panel.title, /^Coze: How do I debounce\?/);
      assert.equal(panel.state.phase, 'done');
      assert.equal(panel.state.text, outcome.text);
      assert.deepEqual(panel.state.followUps, ['What about throttle?']);
      // The page: strict CSP with a nonce, our bundle only, and no token.
      const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(panel.html)?.[1] ?? '';
      assert.match(csp, /^default-src 'none';/);
      assert.match(csp, /script-src 'nonce-[A-Za-z0-9]+'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-(inline|eval)|\*(?!\.vscode-cdn\.net)/);
      const nonce = /'nonce-([A-Za-z0-9]+)'/.exec(csp)![1];
      assert.equal((panel.html.match(/<script /g) ?? []).length, (panel.html.match(new RegExp(`<script nonce="${nonce}"`, 'g')) ?? []).length, 'every script carries the nonce');
      assertNoToken('the panel HTML', panel.html);

      const requests = await fake.requests();
      const endpoints = requests.map((r) => r.endpoint);
      if (mode === 'stream') {
        assert.deepEqual(endpoints, ['chat'], 'streaming answers in one call');
      } else {
        assert.equal(endpoints[0], 'chat');
        assert.ok(endpoints.includes('retrieve'), 'poll mode retrieves the status');
        assert.equal(endpoints[endpoints.length - 1], 'list', 'poll mode lists the messages last');
      }
      const body = requests[0]!.body as Record<string, unknown>;
      assert.equal(body.bot_id, BOT_ID);
      assert.equal(typeof body.user_id, 'string');
      assert.equal(body.stream, mode === 'stream');
    });
  }

  test('a follow-up clicked in the panel continues the same Coze conversation', async () => {
    const first = await ask('Explain closures');
    assert.equal(first.status, 'answered');
    if (first.status !== 'answered') return;
    const seen = (await fake.requests()).length; // not reset: the fake would forget the conversation
    api.sendFromPanel({ type: 'askFollowUp', question: 'Show an example' });
    const chat = await waitFor('the follow-up request', async () => (await fake.requests()).slice(seen).find((r) => r.endpoint === 'chat'));
    assert.equal(chat.query.conversation_id, first.conversationId, 'conversation_id goes in the query string');
    assert.ok(!('conversation_id' in (chat.body as object)), 'conversation_id is never in the body');
    await waitFor('the follow-up answer', () => (api.latestPanel()?.state.question === 'Show an example' && api.latestPanel()?.state.phase === 'done') || undefined);
  });

  test('without a key it offers to set one and sends nothing', async () => {
    await api.clearToken();
    const outcome = await ask('Anything');
    assert.equal(outcome.status, 'no-key');
    const shown = api.notifications().at(-1);
    assert.ok(shown);
    assert.equal(shown.severity, 'warning');
    assert.match(shown.message, /No Coze API key/);
    assert.ok(shown.actions.includes('Set API Key'));
    assert.deepEqual(await fake.requests(), []);
  });

  test('an empty question sends nothing', async () => {
    const outcome = await ask('   \n\t ');
    assert.equal(outcome.status, 'empty');
    assert.deepEqual(await fake.requests(), []);
  });

  test('a rejected key (4100) says so, with the code and logid, and offers to fix it', async () => {
    await api.setToken('pat_wrongwrongwrongwrong123');
    const outcome = await ask('Who am I?');
    assert.equal(outcome.status, 'failed');
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.code, 4100);
    assert.ok(outcome.logId, 'the logid is reported');
    const shown = api.notifications().at(-1)!;
    assert.equal(shown.severity, 'error');
    assert.match(shown.message, /4100/);
    assert.ok(shown.message.includes(outcome.logId!), 'the message shows the logid');
    assert.match(shown.message, /other region/);
    assert.ok(shown.actions.includes('Set API Key'));
    assertNoToken('the error message', shown.message);
    assert.ok(!shown.message.includes('pat_wrong'), 'the rejected token is not echoed');
    const panel = api.latestPanel()!;
    assert.equal(panel.state.phase, 'failed');
    assert.equal(panel.state.question, 'Who am I?', 'the question stays in the panel');
    assert.equal(panel.state.error?.code, 4100);
  });

  test('a bot not published to the API channel (4015) tells how to publish it', async () => {
    await fake.behavior({ unpublishedBotIds: [BOT_ID] });
    const outcome = await ask('Hello?');
    assert.equal(outcome.status, 'failed');
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.code, 4015);
    const shown = api.notifications().at(-1)!;
    assert.match(shown.message, /not published to the API channel/);
    assert.match(shown.message, /4015/);
  });

  test('Stop cancels the question on Coze and keeps what arrived', async () => {
    await fake.behavior({ completeAfterMs: 20_000, deltaIntervalMs: 100, deltaSize: 4, answers: ['x'.repeat(2000)] });
    const pending = ask('A long story, please');
    await waitFor('the first text', () => (api.latestPanel()?.state.text.length ?? 0) > 0 || undefined);
    await vscode.commands.executeCommand('askCoze.stop');
    const outcome = await pending;
    assert.equal(outcome.status, 'canceled');
    if (outcome.status !== 'canceled') return;
    assert.ok(outcome.partialText.length > 0, 'the partial answer is kept');
    const cancel = await waitFor('POST /v3/chat/cancel', async () => (await fake.requests()).find((r) => r.endpoint === 'cancel'));
    const chats = await fake.chats();
    const chatId = (cancel.body as { chat_id: string }).chat_id;
    assert.equal(chats.find((c) => c.id === chatId)?.status, 'canceled');
    const panel = api.latestPanel()!;
    assert.equal(panel.state.phase, 'canceled');
    assert.equal(panel.state.text, outcome.partialText);
  });

  test('the panel ignores malformed messages and links with unsafe schemes', async () => {
    await ask('Links please');
    const before = api.logLines().length;
    api.sendFromPanel({ type: 'openLink', href: 'javascript:alert(1)' });
    api.sendFromPanel({ type: 'askFollowUp', question: 42 });
    api.sendFromPanel({ type: 'copy', text: 'x', extra: true });
    api.sendFromPanel('not an object');
    const lines = api.logLines().slice(before).join('\n');
    assert.match(lines, /Blocked a link/);
    assert.equal((lines.match(/malformed message/g) ?? []).length, 3);
    assert.deepEqual((await chatRequests()).length, 1, 'no question was sent by a bad message');
  });

  test('the token never reaches the log, the notifications or the panel', async () => {
    await ask('Token check');
    await fake.fault({ endpoint: 'chat', kind: 'http', status: 502, body: 'html', times: 10 });
    await ask('Token check after a gateway error');
    assertNoToken('the log', api.logLines().join('\n'));
    assertNoToken('notifications', JSON.stringify(api.notifications()));
    assertNoToken('the panel', JSON.stringify(api.latestPanel()));
    const settings = JSON.stringify(vscode.workspace.getConfiguration('askCoze'));
    assertNoToken('settings', settings);
  });
});
