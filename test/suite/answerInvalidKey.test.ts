import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import type { AnswerViewState } from '../../src/protocol';
import type { AskCozeTestingApi, QuickInputSnapshot } from '../../src/testingApi';
import type { WorkflowOutcome } from '../../src/workflow/workflowRunner';
import { activateForTests, chatRequests, configure, fake, resetFakeAndKey, testToken, waitFor } from './fakeControl';
import { pressUntilGone } from './quickInputDriver';

// The answer panel under a key only another key can fix (no key, 4100, 4101), as the chat does it: the
// failure's fixes (Set API Key…) in the panel and no Retry; once a key is set — through the panel's button, the
// notification's, or any other way — the question is asked again, once, in the same panel. Any other failure
// keeps Retry, and a key set then asks nothing. A workflow refused for its key is run again the same way (it never
// started at Coze, so this cannot run it twice).

let api: AskCozeTestingApi;

/** A token the fake authenticates and then refuses with 4101 (no permission). */
const FORBIDDEN = 'pat_forbiddenforbidden4101';

const ask = (question: string) => vscode.commands.executeCommand<AskOutcome>('askCoze.ask', { question }) as Promise<AskOutcome>;
const panel = (): AnswerViewState => api.latestPanel()!.state;
const answerTabs = () =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('askCoze.answer'));

function keyBox(): Promise<QuickInputSnapshot> {
  return waitFor('the API key box', () => {
    const box = api.quickInput();
    return box && box.kind === 'input' && !box.busy && /^Coze API key for /.test(box.title ?? '') ? box : undefined;
  });
}

/** Types the test key into the key box shown and presses Enter. */
async function enterKey(): Promise<void> {
  const box = await keyBox();
  api.setQuickInputValue(testToken());
  await pressUntilGone(api, box, 'workbench.action.acceptSelectedQuickOpenItem');
}

/** The panel asked again and answered; the same one panel, after `requests` questions sent in all. */
async function answeredInSamePanel(question: string, requests: number): Promise<void> {
  await waitFor('the question asked again in the panel', () => (panel().phase === 'done' ? true : undefined), 30_000);
  assert.equal(panel().question, question);
  assert.ok(panel().text.length > 0, 'the answer is in the panel');
  assert.equal(panel().error, undefined);
  assert.equal(answerTabs().length, 1, 'in the same panel, not a new one');
  // Both the fix's own retry and the key's change event come for the failure: it is asked once.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal((await chatRequests()).length, requests, 'asked once more, not twice');
}

suite('Answer panel under an invalid key', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
  });

  setup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await resetFakeAndKey(api, { forbiddenTokens: [FORBIDDEN] });
  });

  teardown(async () => {
    const box = api.quickInput();
    if (box) await pressUntilGone(api, box, 'workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.setToken(testToken());
  });

  test('4101: Set API Key and no Retry in the panel; the key set there asks again, once, in the same panel', async () => {
    await api.setToken(FORBIDDEN);
    const outcome = await ask('Which bots may I use?');
    assert.equal(outcome.status === 'failed' && outcome.code, 4101, JSON.stringify(outcome));
    const failed = panel();
    assert.equal(failed.phase, 'failed');
    assert.equal(failed.error?.code, 4101);
    assert.equal(failed.canRetry, false, 'retrying the same key cannot help');
    const actions = failed.error?.actions?.map((a) => a.action) ?? [];
    assert.equal(actions[0], 'setKey', JSON.stringify(failed.error));
    assert.ok(!(actions as string[]).includes('retry'));
    assert.equal(failed.error?.actions?.[0]?.label, 'Set API Key');
    assert.equal((await chatRequests()).length, 1);

    api.sendFromPanel({ type: 'fixAction', action: 'setKey' });
    await enterKey();
    await answeredInSamePanel('Which bots may I use?', 2);
  });

  test('4100: the notification\'s Set API Key asks again, once, in the same panel', async () => {
    await api.setToken('pat_wrongwrongwrongwrong123');
    api.answerNotification(/rejected the API key/, 'Set API Key');
    const outcome = await ask('Who am I?');
    assert.equal(outcome.status === 'failed' && outcome.code, 4100);
    assert.equal(panel().canRetry, false);
    await enterKey();
    await answeredInSamePanel('Who am I?', 2);
  });

  test('4101: a key set any other way (the Set API Key command elsewhere, another window) asks again in the panel', async () => {
    await api.setToken(FORBIDDEN);
    await ask('Am I allowed now?');
    assert.equal(panel().canRetry, false);
    await api.setToken(testToken());
    await answeredInSamePanel('Am I allowed now?', 2);
  });

  test('no key on a Retry in the panel: the panel says so with Set API Key, sends nothing, and asks once a key is set', async () => {
    await fake.fault({ endpoint: 'chat', kind: 'json-error-for-stream', code: 4000, msg: 'invalid parameter' });
    await ask('Retry me');
    assert.equal(panel().error?.code, 4000);
    await api.clearToken();
    api.sendFromPanel({ type: 'retry' });
    await waitFor('the no-key failure in the panel', () => (panel().error?.code === undefined && panel().phase === 'failed' ? true : undefined));
    assert.match(panel().error!.message, /No Coze API key/);
    assert.deepEqual(panel().error!.actions?.map((a) => a.action), ['setKey']);
    assert.equal(panel().canRetry, false);
    assert.equal((await chatRequests()).length, 1, 'nothing sent without a key');
    await api.setToken(testToken());
    await answeredInSamePanel('Retry me', 2);
  });

  test('any other failure keeps Retry and shows no fixes in the panel; a key set then asks nothing', async () => {
    await fake.fault({ endpoint: 'chat', kind: 'json-error-for-stream', code: 4000, msg: 'invalid parameter' });
    await ask('Plain failure');
    assert.equal(panel().phase, 'failed');
    assert.equal(panel().canRetry, undefined, 'Retry is offered');
    assert.equal(panel().error?.actions, undefined);
    api.sendFromPanel({ type: 'fixAction', action: 'setKey' });
    await api.setToken(testToken());
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(api.quickInput(), undefined, 'a fix the failure does not offer is not run');
    assert.equal(panel().phase, 'failed');
    assert.equal((await chatRequests()).length, 1);
    api.sendFromPanel({ type: 'retry' });
    await waitFor('the retried answer', () => (panel().phase === 'done' ? true : undefined), 30_000);
  });

  test('a workflow refused with 4101: Set API Key and no Retry in its panel; the key set runs it again there, once', async () => {
    const WORKFLOW_ID = '7400000000000000040';
    const workflowRuns = async () => (await fake.requests()).filter((r) => r.endpoint === 'workflowStream');
    await configure({ workflows: [{ name: 'Key check', id: WORKFLOW_ID }] });
    try {
      await api.setToken(FORBIDDEN);
      const running = vscode.commands.executeCommand<WorkflowOutcome>('askCoze.runWorkflow', { workflowId: WORKFLOW_ID });
      const box = await waitFor('the parameters box', () => {
        const shown = api.quickInput();
        return shown?.kind === 'input' && shown.title === 'Run Workflow: Key check' ? shown : undefined;
      });
      api.setQuickInputValue('{"input": "who may run me?"}');
      await pressUntilGone(api, box, 'workbench.action.acceptSelectedQuickOpenItem');
      const outcome = (await running) as WorkflowOutcome;
      assert.equal(outcome.status === 'failed' && outcome.code, 4101, JSON.stringify(outcome));
      const failed = panel();
      assert.equal(failed.workflow?.id, WORKFLOW_ID);
      assert.equal(failed.canRetry, false, 'running it again with the same key cannot help');
      assert.equal(failed.error?.actions?.[0]?.action, 'setKey', JSON.stringify(failed.error));
      assert.equal((await workflowRuns()).length, 1);

      api.sendFromPanel({ type: 'fixAction', action: 'setKey' });
      await enterKey();
      await waitFor('the workflow run again in its panel', () => (panel().phase === 'done' ? true : undefined), 30_000);
      assert.equal(panel().workflow?.id, WORKFLOW_ID);
      assert.match(panel().text, /who may run me\?/, 'the same parameters');
      assert.equal(answerTabs().length, 1, 'in the same panel');
      // The fix's own retry and the key's change event both come: it runs once more, not twice.
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await workflowRuns()).length, 2);
    } finally {
      await configure({ workflows: undefined });
    }
  });
});
