import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskCozeTestingApi, QuickInputSnapshot } from '../../src/testingApi';
import type { WorkflowOutcome } from '../../src/workflow/workflowRunner';
import { askInChat } from './chatDriver';
import { activateForTests, assertNoToken, configure, fake, resetFakeAndKey, waitFor, type RecordedRequest } from './fakeControl';
import { pressUntilGone } from './quickInputDriver';

// Workflows and chatflows inside a real extension host, against the fake Coze server (its workflow ids are in
// test/fake-coze/README.md): a chatflow in askCoze.bots answers in the chat like a bot; Coze: Run Workflow is
// driven through its real picker and input boxes (typed into through the testing API, accepted and dismissed
// with VS Code's own commands), including a Question node's interrupt answered and resumed, and one left.

const INTERRUPT_WORKFLOW_ID = '7400000000000000001';
const UNPUBLISHED_WORKFLOW_ID = '7400000000000000003';
/** Any other id runs the fake's default workflow: node LLM echoes the parameters, then node End. */
const ECHO_WORKFLOW_ID = '7400000000000000010';
const CHATFLOW_ID = '7400000000000000020';
const QUESTION = 'Which city, and which day?';

let api: AskCozeTestingApi;

const runWorkflow = (arg?: unknown) => vscode.commands.executeCommand<WorkflowOutcome>('askCoze.runWorkflow', arg) as Promise<WorkflowOutcome>;

type Recorded = Omit<RecordedRequest, 'endpoint'> & { endpoint: string };
const requests = async (endpoint: string) => ((await fake.requests()) as Recorded[]).filter((r) => r.endpoint === endpoint);

/** Waits for a picker or input box of Ask Coze whose title matches. */
function shownInput(kind: 'input' | 'pick', title: RegExp): Promise<QuickInputSnapshot> {
  return waitFor(`the ${kind} "${title.source}"`, () => {
    const shown = api.quickInput();
    return shown && shown.kind === kind && title.test(shown.title ?? '') ? shown : undefined;
  });
}

/** Types `value` (when given) into the input box shown and presses Enter. */
async function answer(shown: QuickInputSnapshot, value?: string): Promise<void> {
  if (value !== undefined) api.setQuickInputValue(value);
  await pressUntilGone(api, shown, 'workbench.action.acceptSelectedQuickOpenItem');
}

suite('Workflows and chatflows', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
    await configure({
      bots: [{ name: 'Support flow', workflowId: CHATFLOW_ID }],
      workflows: [
        { name: 'Greeter', id: INTERRUPT_WORKFLOW_ID },
        { name: 'Echo', id: ECHO_WORKFLOW_ID },
      ],
    });
  });

  setup(() => resetFakeAndKey(api));

  teardown(async () => {
    // A failed test may leave a box open: it must not swallow the next test's keys.
    if (api.quickInput()) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await configure({ bots: undefined, workflows: undefined });
  });

  test('Workflow: contributes Coze: Run Workflow', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('askCoze.runWorkflow'));
  });

  test('Chatflow: a chatflow in askCoze.bots answers in the chat like a bot, and continues its conversation', async () => {
    await fake.behavior({ answers: ['Hello from the chatflow.'], followUps: ['And then?'] });
    api.chat.send({ type: 'newChat' });
    const key = `chatflow:${CHATFLOW_ID}`;
    const listed = await waitFor('the chatflow in the bot switch', () => api.chat.state().bots.find((b) => b.id === key));
    assert.equal(listed.name, 'Support flow');
    assert.equal(listed.kind, 'chatflow');
    api.chat.send({ type: 'selectBot', botId: key });
    await waitFor('the chatflow selected', () => api.chat.state().botId === key || undefined);

    const first = await askInChat(api, 'Where is my parcel?');
    assert.equal(first.status, 'done', JSON.stringify(first.error));
    assert.equal(first.answer, 'Hello from the chatflow.');
    assert.deepEqual(first.followUps, ['And then?']);
    assert.equal(first.botName, 'Support flow');
    const second = await askInChat(api, 'Thanks');
    assert.equal(second.status, 'done');

    const sent = await requests('chatflow');
    assert.equal(sent.length, 2, 'both turns went to /v1/workflows/chat');
    assert.equal((await requests('chat')).length, 0, 'nothing went to /v3/chat');
    const body = (i: number) => sent[i]!.body as Record<string, unknown>;
    assert.equal(body(0).workflow_id, CHATFLOW_ID);
    assert.ok(!('bot_id' in body(0)), 'a chatflow not of a bot gets no bot_id');
    assert.equal((body(0).additional_messages as Array<{ content: string }>).at(-1)!.content, 'Where is my parcel?');
    assert.equal(body(0).conversation_id, undefined, 'the first turn starts a conversation');
    assert.ok(typeof body(1).conversation_id === 'string' && body(1).conversation_id !== '', 'the second turn continues it');
  });

  test('Workflow: runs with parameters, asks at the interrupt, resumes with the answer, and shows both parts', async () => {
    const running = runWorkflow();
    const picker = await shownInput('pick', /^Run Workflow$/);
    assert.deepEqual(picker.items?.slice(0, 2), ['Greeter', 'Echo']);
    assert.match(picker.items![2]!, /Paste a workflow id/);
    await pressUntilGone(api, picker, 'workbench.action.acceptSelectedQuickOpenItem');

    const parameters = await shownInput('input', /^Run Workflow: Greeter$/);
    assert.equal(parameters.value, '{"input": ""}', 'nothing remembered, no selection: an empty input');
    // Not an object: refused with a clear message, and the box stays.
    api.setQuickInputValue('["Ada"]');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const refused = await waitFor('the parameters refused', () => api.quickInput()?.validationMessage);
    assert.match(refused, /must be a JSON object/);
    assert.equal(api.quickInput()?.id, parameters.id);
    await answer(parameters, '{"input": "Ada"}');

    const question = await shownInput('input', /^Greeter · Question$/);
    assert.equal(question.prompt, QUESTION, "the input box asks the node's question");
    const waiting = await waitFor('the panel waiting for the answer', () => {
      const panel = api.latestPanel();
      return panel?.state.workflow?.waitingAt === 'Question' ? panel : undefined;
    });
    assert.equal(waiting.title, 'Coze: Greeter');
    assert.ok(waiting.state.text.includes(QUESTION), 'the question is in the panel');
    await answer(question, 'Paris, Monday');

    const outcome = await running;
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));

    const started = await requests('workflowStream');
    assert.equal(started.length, 1);
    assert.deepEqual(started[0]!.body, { workflow_id: INTERRUPT_WORKFLOW_ID, parameters: { input: 'Ada' } });
    const resumed = await requests('workflowResume');
    assert.equal(resumed.length, 1);
    const resume = resumed[0]!.body as Record<string, unknown>;
    assert.equal(resume.workflow_id, INTERRUPT_WORKFLOW_ID);
    assert.match(String(resume.event_id), /^\d+\/\d+$/);
    assert.equal(resume.resume_data, 'Paris, Monday');
    assert.equal(resume.interrupt_type, 2);

    const panel = api.latestPanel()!;
    assert.equal(panel.state.phase, 'done');
    assert.equal(panel.state.question, '{"input": "Ada"}', 'the parameters are shown where a question would be');
    const { text } = panel.state;
    const at = (s: string) => text.indexOf(s);
    assert.ok(at(QUESTION) >= 0 && at('> Paris, Monday') > at(QUESTION), 'first part: the question, then the answer');
    assert.ok(at('You answered: Paris, Monday') > at('> Paris, Monday'), 'second part: the output after the resume');
    const titles = panel.state.workflow!.nodes.map((n) => n.title);
    assert.deepEqual([titles[0], titles.at(-1)], ['Question', 'End'], 'node titles come as their own headings, not in the Markdown');
    assert.ok(titles.includes('LLM'));
    assert.ok(!/^#+ (Question|End)$/m.test(text), 'no heading was written into the Markdown');
    if (outcome.status === 'done' && outcome.debugUrl) assert.equal(panel.state.workflow!.debugUrl, outcome.debugUrl, '"Open run in Coze"');
    assertNoToken('the panel HTML', panel.html);
  });

  test('Workflow: Escape at the interrupt stops there, keeping what was shown; the parameters are remembered', async () => {
    const running = runWorkflow({ workflowId: INTERRUPT_WORKFLOW_ID });
    const parameters = await shownInput('input', /^Run Workflow: Greeter$/);
    assert.equal(parameters.value, '{"input": "Ada"}', 'the parameters sent last time');
    await answer(parameters);
    const question = await shownInput('input', /^Greeter · Question$/);
    await pressUntilGone(api, question, 'workbench.action.closeQuickOpen');

    const outcome = await running;
    assert.deepEqual(outcome.status === 'stopped' && outcome.at, 'Question', JSON.stringify(outcome));
    const panel = api.latestPanel()!;
    assert.equal(panel.state.phase, 'canceled');
    assert.equal(panel.state.workflow?.stoppedAt, 'Question');
    assert.equal(panel.state.workflow?.waitingAt, undefined);
    assert.ok(panel.state.text.includes(QUESTION), 'nothing shown is lost');
    assert.equal((await requests('workflowResume')).length, 0, 'nothing was resumed');
  });

  test('Workflow: the selection fills "input"; the output streams node by node', async () => {
    const doc = await vscode.workspace.openTextDocument({ content: 'const answer = 42;', language: 'typescript' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 0, doc.lineAt(0).text.length);
    const running = runWorkflow({ workflowId: ECHO_WORKFLOW_ID });
    const parameters = await shownInput('input', /^Run Workflow: Echo$/);
    assert.deepEqual(JSON.parse(parameters.value), { input: 'const answer = 42;' });
    await answer(parameters);
    const outcome = await running;
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    const sent = (await requests('workflowStream'))[0]!.body as { parameters: unknown };
    assert.deepEqual(sent.parameters, { input: 'const answer = 42;' });
    const panel = api.latestPanel()!;
    assert.deepEqual(panel.state.workflow!.nodes.map((n) => n.title), ['LLM', 'End']);
    assert.ok(panel.state.text.includes('const answer = 42;'), 'the echo of the parameters');
    assert.ok(outcome.status === 'done' && outcome.debugUrl, 'Coze sent a debug URL');
    assert.equal(panel.state.workflow!.debugUrl, outcome.debugUrl);
    assert.ok(api.logLines().some((l) => l.includes(outcome.debugUrl!)), 'the run is in the log too');
  });

  test('Workflow: an unpublished workflow fails with a message naming it, with code and logid', async () => {
    const running = runWorkflow({ workflowId: UNPUBLISHED_WORKFLOW_ID });
    await answer(await shownInput('input', /^Run Workflow: 7400000000000000003$/), '{}');
    const outcome = await running;
    assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.code, 4200);
    assert.ok(outcome.logId, 'the logid is kept');
    assert.match(outcome.message, new RegExp(`workflow ${UNPUBLISHED_WORKFLOW_ID}`));
    assert.ok(outcome.message.includes(outcome.logId!));
    const shown = await waitFor('the failure notification', () => api.notifications().find((n) => n.message === outcome.message));
    assert.ok(shown.actions.length > 0, 'with the fix that can help');
    const panel = api.latestPanel()!;
    assert.equal(panel.state.phase, 'failed');
    assert.equal(panel.state.error?.code, 4200);
  });
});
