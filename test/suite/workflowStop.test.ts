import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import type { AskCozeTestingApi, QuickInputSnapshot } from '../../src/testingApi';
import type { WorkflowOutcome } from '../../src/workflow/workflowRunner';
import { activateForTests, configure, fake, testToken, waitFor, type RecordedRequest } from './fakeControl';
import { pressUntilGone } from './quickInputDriver';

// Coze: Stop Answer (askCoze.stop) and a running workflow, inside a real extension host against the fake Coze
// server: the run counts as an answer in flight (askCoze.asking is set while it runs, also while it waits at an
// Interrupt's input box, and cleared however it ends), and Stop ends it as its notification's Cancel does:
// the connection is closed (the fake records the client leaving), the output so far stays in the panel, which
// says it was stopped, and nothing is sent again. Stop stops every question and run in flight
// (docs/architecture.md, src/workflow/).

// Ids of their own, so that the parameters remembered here never show in another suite's boxes.
/** Any id but the fake's scripted ones runs its default workflow: node LLM echoes the parameters, then node End. */
const ECHO_WORKFLOW_ID = '7400000000000000030';
/** Run under behavior workflow.interrupt: it stops at node Question first. */
const ASKING_WORKFLOW_ID = '7400000000000000031';
const QUESTION = 'Which city, and which day?';

let api: AskCozeTestingApi;

const runWorkflow = (arg?: unknown) => vscode.commands.executeCommand<WorkflowOutcome>('askCoze.runWorkflow', arg) as Promise<WorkflowOutcome>;

type Recorded = Omit<RecordedRequest, 'endpoint'> & { endpoint: string; clientDisconnected?: boolean };
const requests = async (endpoint: string) => ((await fake.requests()) as Recorded[]).filter((r) => r.endpoint === endpoint);

/** The workflow stream sends its first Message (half of node LLM's output), then stays open and silent. */
const stallAfterFirstMessage = () => fake.fault({ endpoint: 'workflowStream', kind: 'stall-mid-stream', afterEvents: 1 });

function shownInput(title: RegExp): Promise<QuickInputSnapshot> {
  return waitFor(`the input box "${title.source}"`, () => {
    const shown = api.quickInput();
    return shown?.kind === 'input' && title.test(shown.title ?? '') ? shown : undefined;
  });
}

/**
 * Starts the workflow with these parameters, typed into its parameters box and accepted with Enter; resolves
 * once the box is gone, with the run still going (wrapped: an async function would wait for a returned promise).
 */
async function startWorkflow(id: string, name: string, parameters: string): Promise<{ running: Promise<WorkflowOutcome> }> {
  const running = runWorkflow({ workflowId: id });
  const box = await shownInput(new RegExp(`^Run Workflow: ${name}$`));
  api.setQuickInputValue(parameters);
  await pressUntilGone(api, box, 'workbench.action.acceptSelectedQuickOpenItem');
  return { running };
}

/** The workflow's panel once some output has arrived and the run counts as running. */
async function streamingWorkflowPanel(id: string) {
  try {
    return await waitFor('the workflow streaming', () => {
      const panel = api.latestPanel();
      return panel?.state.workflow?.id === id && panel.state.phase === 'streaming' && panel.state.text && api.asking() ? panel : undefined;
    });
  } catch (e) {
    const { phase, text, workflow } = api.latestPanel()?.state ?? {};
    const error = api.latestPanel()?.state.error?.message;
    throw new Error(`${String(e)}: asking ${api.asking()}, panel ${JSON.stringify({ phase, text, workflow: workflow?.id, error })}`);
  }
}

suite('Workflow Stop: Coze: Stop Answer stops a running workflow', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({
      workflows: [
        { name: 'Echo', id: ECHO_WORKFLOW_ID },
        { name: 'Asker', id: ASKING_WORKFLOW_ID },
      ],
    });
  });

  setup(async () => {
    await fake.reset();
    await fake.behavior({ completeAfterMs: 150, deltaIntervalMs: 5, deltaSize: 16 });
    await api.setToken(testToken());
  });

  teardown(async () => {
    // A failed test may leave a box open or a run going: neither may reach the next test.
    if (api.quickInput()) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('askCoze.stop');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await configure({ workflows: undefined, requestTimeoutSeconds: 10 });
  });

  test('Workflow Stop: mid-stream, Stop cancels the run as Cancel does: the connection closes, the output stays, nothing is sent again', async () => {
    assert.equal(api.asking(), false, 'nothing runs before');
    await stallAfterFirstMessage();
    const { running } = await startWorkflow(ECHO_WORKFLOW_ID, 'Echo', '{"input": "slow"}');
    const streaming = await streamingWorkflowPanel(ECHO_WORKFLOW_ID);
    const shownBefore = streaming.state.text;
    assert.match(shownBefore, /^Parameters: /, "the first half of node LLM's output");
    const lastNotification = api.notifications().at(-1);

    await vscode.commands.executeCommand('askCoze.stop');
    const outcome = await running;
    assert.equal(outcome.status, 'canceled', JSON.stringify(outcome));
    assert.equal(api.asking(), false, 'askCoze.asking is cleared once the run has ended');

    const panel = api.latestPanel()!;
    assert.equal(panel.state.phase, 'canceled', 'the panel says the run was stopped');
    assert.equal(panel.state.text, shownBefore, 'the output so far is kept');
    assert.equal(outcome.status === 'canceled' && outcome.text, shownBefore);
    assert.deepEqual(panel.state.workflow!.nodes.map((n) => n.title), ['LLM']);
    assert.equal(panel.state.error, undefined, 'a stop is no failure');
    assert.equal(api.notifications().at(-1), lastNotification, 'no failure notification');

    const sent = await requests('workflowStream');
    assert.equal(sent.length, 1, 'the run was not started again');
    await waitFor('the fake seeing the client leave the stream', async () => (await requests('workflowStream'))[0]!.clientDisconnected);
    assert.equal((await requests('workflowResume')).length, 0);
  });

  test("Workflow Stop: at an Interrupt's input box, Stop closes the box and cancels the run, keeping the question", async () => {
    await fake.behavior({ workflow: { interrupt: true } });
    const { running } = await startWorkflow(ASKING_WORKFLOW_ID, 'Asker', '{"input": "Ada"}');
    const box = await shownInput(/^Asker · Question$/);
    await waitFor('the run still counting as running while it waits', () => api.asking() || undefined);

    await vscode.commands.executeCommand('askCoze.stop');
    const outcome = await running;
    assert.equal(outcome.status, 'canceled', JSON.stringify(outcome));
    assert.notEqual(api.quickInput()?.id, box.id, 'the input box is gone');
    assert.equal(api.asking(), false);
    const panel = api.latestPanel()!;
    assert.equal(panel.state.phase, 'canceled');
    assert.equal(panel.state.workflow?.waitingAt, undefined, 'no longer waiting');
    assert.ok(panel.state.text.includes(QUESTION), 'what was shown is kept');
    assert.equal((await requests('workflowResume')).length, 0, 'nothing was resumed');
    assert.equal((await requests('workflowStream')).length, 1);
  });

  test('Workflow Stop: with a question and a workflow running, Stop stops both and the key is cleared', async () => {
    await stallAfterFirstMessage();
    const { running: workflow } = await startWorkflow(ECHO_WORKFLOW_ID, 'Echo', '{"input": "both"}');
    await streamingWorkflowPanel(ECHO_WORKFLOW_ID);
    await fake.behavior({ completeAfterMs: 20_000, deltaIntervalMs: 100, deltaSize: 4, answers: ['x'.repeat(2000)] });
    const question = vscode.commands.executeCommand<AskOutcome>('askCoze.ask', { question: 'A long story, please' }) as Promise<AskOutcome>;
    await waitFor('the question streaming', () => {
      const panel = api.latestPanel();
      return panel?.state.question === 'A long story, please' && panel.state.text.length > 0 ? panel : undefined;
    });

    await vscode.commands.executeCommand('askCoze.stop');
    const [ran, asked] = await Promise.all([workflow, question]);
    assert.equal(ran.status, 'canceled', JSON.stringify(ran));
    assert.equal(asked.status, 'canceled', JSON.stringify(asked));
    assert.ok(asked.status === 'canceled' && asked.partialText.length > 0, "the question's partial answer is kept");
    assert.equal(api.asking(), false);
    await waitFor('the question canceled on Coze', async () => (await requests('cancel')).length === 1 || undefined);
    await waitFor('the workflow stream closed', async () => (await requests('workflowStream'))[0]!.clientDisconnected);
  });

  test('Workflow Stop: askCoze.asking is set while a run streams and cleared when it fails', async () => {
    // The stream stalls after its first Message until the client gives up (the idle timeout): a failure, not a stop.
    await configure({ requestTimeoutSeconds: 3 });
    try {
      await stallAfterFirstMessage();
      const { running } = await startWorkflow(ECHO_WORKFLOW_ID, 'Echo', '{"input": "silent"}');
      await streamingWorkflowPanel(ECHO_WORKFLOW_ID);
      const outcome = await running;
      assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
      assert.equal(outcome.status === 'failed' && outcome.kind, 'timeout');
      assert.equal(api.asking(), false, 'cleared after a failure too');
      assert.equal(api.latestPanel()!.state.phase, 'failed');
      assert.equal((await requests('workflowStream')).length, 1, 'a started workflow is never retried');
    } finally {
      await configure({ requestTimeoutSeconds: 10 });
    }
  });
});
