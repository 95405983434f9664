import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AskOutcome } from '../../src/answerPanel/answerSurface';
import type { ChatTurnView } from '../../src/protocol';
import type { AskCozeTestingApi } from '../../src/testingApi';
import { diffTab, openFile, rightSide, waitForDiff } from './applyDriver';
import { newChat } from './chatDriver';
import { activateForTests, chatRequests, fake, resetFakeAndKey, testToken, waitFor } from './fakeControl';

// Quick fixes on a diagnostic ("Ask Coze to fix / explain", through VS Code's own code-action command) and
// Apply of a code block as a diff (the host-side command, the chat's and the answer panel's Apply messages):
// the diff opens, nothing is written until Accept, Accept changes exactly the replaced lines with their
// indentation, Discard leaves the file, the whole-file rule, and a file that changed meanwhile.

let api: AskCozeTestingApi;






const lastChat = async () => (await chatRequests()).at(-1);
const lastQuestion = async () => ((await lastChat())?.body as { additional_messages: Array<{ content: string }> } | undefined)?.additional_messages.at(-1)?.content ?? '';

const PYTHON = ['def total(items):', '    result = 0', '    for item in items:', '        result += item.price', '    return reslt', '', '', 'print(total([]))', ''].join('\n');

async function closeEverything(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) if (document.isDirty && document.uri.scheme === 'file') await document.save();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

suite('Quick fix: Ask Coze to fix / explain', function () {
  this.timeout(60_000);
  let diagnostics: vscode.DiagnosticCollection;

  suiteSetup(async () => {
    api = await activateForTests();
    diagnostics = vscode.languages.createDiagnosticCollection('ask-coze-tests');
  });

  setup(async () => {
    await resetFakeAndKey(api, { deltaSize: 32, followUps: [] });
    await newChat(api);
  });

  teardown(async () => {
    diagnostics.clear();
    await closeEverything();
  });

  suiteTeardown(() => diagnostics.dispose());

  async function fileWithProblem(): Promise<{ editor: vscode.TextEditor; diagnostic: vscode.Diagnostic }> {
    const editor = await openFile('qf_total.py', PYTHON);
    const diagnostic = new vscode.Diagnostic(new vscode.Range(4, 11, 4, 16), "undefined name 'reslt'", vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'pyflakes';
    diagnostic.code = { value: 'F821', target: vscode.Uri.parse('https://example.com/F821') };
    diagnostics.set(editor.document.uri, [diagnostic]);
    return { editor, diagnostic };
  }

  async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
    return waitFor('the quick fixes', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value);
      const ours = actions.filter((a) => a.title.startsWith('Ask Coze'));
      return ours.length ? ours : undefined;
    });
  }

  async function run(action: vscode.CodeAction): Promise<ChatTurnView> {
    assert.ok(action.command, `${action.title} runs a command`);
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    await api.chat.whenIdle();
    const turn = api.chat.state().turns.at(-1);
    assert.ok(turn, 'the chat asked');
    return turn;
  }

  test('the lightbulb offers "Ask Coze to fix" and "Ask Coze to explain" for the problem, as quick fixes', async () => {
    const { editor, diagnostic } = await fileWithProblem();
    const actions = await quickFixes(editor.document.uri, new vscode.Range(4, 12, 4, 12));
    assert.deepEqual(actions.map((a) => a.title), ['Ask Coze to fix', 'Ask Coze to explain']);
    for (const action of actions) {
      assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
      // VS Code's command hands back no diagnostics of an action: the command's argument names the problem.
      assert.deepEqual(action.command?.arguments?.[0], {
        uri: editor.document.uri.toString(),
        message: diagnostic.message,
        source: 'pyflakes',
        code: 'F821',
        startLine: 4,
        endLine: 4,
      });
    }
    // Nothing where there is no problem, and nothing when only refactorings are asked for.
    const none = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(0, 0, 0, 0));
    assert.equal(none.filter((a) => a.title.startsWith('Ask Coze')).length, 0);
    const refactors = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, new vscode.Range(4, 12, 4, 12), vscode.CodeActionKind.Refactor.value);
    assert.equal(refactors.filter((a) => a.title.startsWith('Ask Coze')).length, 0);
  });

  test('"Ask Coze to fix" asks the chat at once: the message, its source and code, and the quoted code around it', async () => {
    const { editor } = await fileWithProblem();
    await fake.behavior({ answers: ['Use `result`.'] });
    const [fix] = await quickFixes(editor.document.uri, new vscode.Range(4, 12, 4, 12));
    const turn = await run(fix!);
    assert.equal(turn.status, 'done');
    const question = await lastQuestion();
    assert.equal(question, turn.question, 'the chat sent what it shows');
    const quoted = PYTHON.split('\n').slice(1, 8).join('\n');
    assert.ok(question.startsWith(`\`qf_total.py:2-8\`\n\`\`\`python\n${quoted}\n\`\`\`\n`), `the quote: ${question}`);
    assert.match(question, /Fix this problem on line 5 \(pyflakes\(F821\)\):\n> undefined name 'reslt'/);
    assert.match(question, /as one code block\.$/);
  });

  test('"Ask Coze to explain" asks for an explanation, and two problems on one line get an action each', async () => {
    const { editor, diagnostic } = await fileWithProblem();
    const second = new vscode.Diagnostic(new vscode.Range(4, 4, 4, 10), 'Consider returning early', vscode.DiagnosticSeverity.Information);
    diagnostics.set(editor.document.uri, [diagnostic, second]);
    const actions = await quickFixes(editor.document.uri, new vscode.Range(4, 4, 4, 16));
    assert.deepEqual(actions.map((a) => a.title).sort(), [
      "Ask Coze to explain: undefined name 'reslt'",
      'Ask Coze to explain: Consider returning early',
      "Ask Coze to fix: undefined name 'reslt'",
      'Ask Coze to fix: Consider returning early',
    ].sort());
    await run(actions.find((a) => a.title === "Ask Coze to explain: undefined name 'reslt'")!);
    const question = await lastQuestion();
    assert.match(question, /Explain this problem on line 5 \(pyflakes\(F821\)\), and how to fix it:\n> undefined name 'reslt'$/);
  });

  test('Apply on the fix’s code block shows the diff of the quoted lines and Accept fixes them, indentation kept', async () => {
    const { editor } = await fileWithProblem();
    // The bot answers with the quoted lines, fixed, as the question asks.
    const block = PYTHON.split('\n').slice(1, 8).join('\n').replace('return reslt', 'return result');
    await fake.behavior({ answers: [`Here it is:\n\n\`\`\`python\n${block}\n\`\`\`\n`] });
    const [fix] = await quickFixes(editor.document.uri, new vscode.Range(4, 12, 4, 12));
    const turn = await run(fix!);
    api.chat.send({ type: 'applyCode', code: `${block}\n`, turnId: turn.id });
    const input = await waitForDiff();
    assert.equal(input.original.toString(), editor.document.uri.toString(), 'the left side is the file');
    const expected = PYTHON.replace('return reslt', 'return result');
    assert.equal(await rightSide(input), expected);
    assert.equal(editor.document.getText(), PYTHON, 'nothing is written before Accept');
    assert.equal(await vscode.commands.executeCommand('askCoze.acceptApply', input.modified), true);
    assert.equal(editor.document.getText(), expected);
    assert.equal(diffTab(), undefined, 'the diff closed');
  });
});

suite('Apply a code block as a diff', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
  });

  teardown(closeEverything);

  const TS = ['export class Counter {', '  count(text: string): number {', "    const lines = text.split('\\n');", '    return lines.length;', '  }', '}', ''].join('\n');
  const BLOCK = "const lines = text.split(/\\r?\\n/);\nreturn lines.filter((l) => l.trim() !== '').length;\n";
  const FIXED = TS.replace("    const lines = text.split('\\n');\n    return lines.length;", "    const lines = text.split(/\\r?\\n/);\n    return lines.filter((l) => l.trim() !== '').length;");

  const apply = (arg: unknown) => vscode.commands.executeCommand<string>('askCoze.applyCodeBlock', arg);

  test('opens the diff for the lines given; the file changes only on Accept, exactly those lines, and Undo takes it back', async () => {
    const editor = await openFile('apply_counter.ts', TS);
    assert.equal(await apply({ code: BLOCK, uri: editor.document.uri.toString(), startLine: 3, endLine: 4 }), 'opened');
    const input = await waitForDiff();
    assert.equal(input.original.toString(), editor.document.uri.toString());
    assert.equal(await rightSide(input), FIXED, 'the right side has the block, at the lines’ indentation');
    assert.equal(editor.document.getText(), TS, 'the file is unchanged while the diff is open');
    assert.equal(editor.document.isDirty, false);

    assert.equal(await vscode.commands.executeCommand('askCoze.acceptApply'), true, 'Accept on the active diff');
    assert.equal(editor.document.getText(), FIXED);
    assert.equal(editor.document.isDirty, true, 'applied as an edit, not saved behind the user’s back');
    assert.equal(diffTab(), undefined);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), TS, 'one Undo takes the change back');
  });

  test('Discard closes the diff and leaves the file', async () => {
    const editor = await openFile('apply_discard.ts', TS);
    await apply({ code: BLOCK, uri: editor.document.uri.toString(), startLine: 3, endLine: 4 });
    const input = await waitForDiff();
    assert.equal(await vscode.commands.executeCommand('askCoze.discardApply', input.modified), true);
    await waitFor('the diff to close', () => (diffTab() ? undefined : true));
    assert.equal(editor.document.getText(), TS);
    assert.equal(editor.document.isDirty, false);
    assert.equal(await vscode.commands.executeCommand('askCoze.acceptApply', input.modified), false, 'nothing left to accept');
  });

  test('a block that is a whole file replaces the whole file; a snippet replaces the editor’s selection', async () => {
    const editor = await openFile('apply_whole.ts', TS);
    const whole = `${FIXED.replace('export class Counter {', 'export class Counter {\n  // Counts non-empty lines.')}`;
    assert.equal(await apply({ code: whole, uri: editor.document.uri.toString() }), 'opened');
    let input = await waitForDiff();
    assert.equal(await rightSide(input), whole);
    await vscode.commands.executeCommand('askCoze.acceptApply', input.modified);
    assert.equal(editor.document.getText(), whole);
    await editor.document.save();

    // Not a whole file: the selection (whole lines, selected from the start of one to the start of the next).
    const shown = await vscode.window.showTextDocument(editor.document);
    shown.selection = new vscode.Selection(3, 0, 5, 0);
    assert.equal(await apply({ code: "const lines = text.split('\\n');\nreturn lines.length;\n" }), 'opened');
    input = await waitForDiff();
    const right = (await rightSide(input)).split('\n');
    assert.deepEqual(right.slice(3, 5), ["    const lines = text.split('\\n');", '    return lines.length;']);
    assert.deepEqual([...right.slice(0, 3), ...right.slice(5)], [...whole.split('\n').slice(0, 3), ...whole.split('\n').slice(5)], 'nothing else changes');
    await vscode.commands.executeCommand('askCoze.discardApply', input.modified);
  });

  test('without a selection, a snippet replaces the whole file only after asking', async () => {
    const editor = await openFile('apply_ask.ts', TS);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    api.answerNotification(/^Replace all of apply_ask\.ts with the code\?/, 'Replace Whole File');
    assert.equal(await apply({ code: 'export const replaced = true;\n' }), 'opened');
    const input = await waitForDiff();
    assert.equal(await rightSide(input), 'export const replaced = true;\n');
    await vscode.commands.executeCommand('askCoze.discardApply', input.modified);
    await waitFor('the diff to close', () => (diffTab() ? undefined : true));
    // Asked again and declined: no diff.
    await vscode.window.showTextDocument(editor.document);
    const marker = api.notifications().at(-1);
    const declined = apply({ code: 'export const replaced = true;\n' });
    await waitFor('the question', () => {
      const last = api.notifications().at(-1);
      return last !== marker && last?.message.startsWith('Replace all of apply_ask.ts') ? true : undefined;
    });
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.equal(await declined, 'canceled');
    assert.equal(diffTab(), undefined);
    assert.equal(editor.document.getText(), TS);
  });

  test('a file changed after the diff opened is not given stale text: the diff is made again, then accepted', async () => {
    const editor = await openFile('apply_stale.ts', TS);
    await apply({ code: BLOCK, uri: editor.document.uri.toString(), startLine: 3, endLine: 4 });
    let input = await waitForDiff();
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, new vscode.Position(0, 0), '// added meanwhile\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(await vscode.commands.executeCommand('askCoze.acceptApply', input.modified), false, 'nothing applied yet');
    assert.equal(editor.document.getText(), `// added meanwhile\n${TS}`);
    assert.ok(api.notifications().some((n) => n.severity === 'warning' && n.message.startsWith('apply_stale.ts changed since the diff was opened')));
    input = await waitForDiff();
    await waitFor('the new diff', async () => ((await rightSide(input)) === `// added meanwhile\n${FIXED}` ? true : undefined));
    assert.equal(await vscode.commands.executeCommand('askCoze.acceptApply', input.modified), true);
    assert.equal(editor.document.getText(), `// added meanwhile\n${FIXED}`);
  });

  test('an answer panel asked about a selection applies its code to that selection, even from another editor', async () => {
    const editor = await openFile('apply_panel.ts', TS);
    editor.selection = new vscode.Selection(2, 0, 4, 0);
    await fake.reset();
    await api.setToken(testToken());
    await fake.behavior({ answers: ['Fixed.'], followUps: [] });
    const outcome = await vscode.commands.executeCommand<AskOutcome>('askCoze.ask');
    assert.equal(outcome?.status, 'answered');
    // Another file has the focus meanwhile: the panel still knows what it was asked about.
    await openFile('apply_other.ts', 'export const other = 1;\n');
    api.sendFromPanel({ type: 'applyCode', code: BLOCK });
    const input = await waitForDiff();
    assert.equal(input.original.toString(), editor.document.uri.toString());
    assert.equal(await rightSide(input), FIXED);
    await vscode.commands.executeCommand('askCoze.discardApply', input.modified);
  });

  test('malformed Apply messages and arguments are refused', async () => {
    assert.equal(await apply({ code: 'x', startLine: 1, endLine: 1 }), 'canceled');
    assert.equal(await apply('x'), 'canceled');
    const before = api.logLines().length;
    api.chat.send({ type: 'applyCode', code: 'x' });
    api.sendFromPanel({ type: 'applyCode', code: 1 });
    await waitFor('the warnings', () => (api.logLines().slice(before).filter((l) => /Ignored a malformed message/.test(l)).length >= 1 ? true : undefined));
    assert.equal(diffTab(), undefined);
  });
});
