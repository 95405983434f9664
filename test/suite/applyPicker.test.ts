import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ChatTurnView } from '../../src/protocol';
import type { AskCozeTestingApi, QuickInputSnapshot } from '../../src/testingApi';
import { quoteSelections, type QuotedSelection } from '../../src/chat/selectionQuote';
import { diffTab, openFile, rightSide, waitForDiff } from './applyDriver';
import { activateForTests, fake, testToken, waitFor } from './fakeControl';
import { pressUntilGone } from './quickInputDriver';

// Apply on a chat answer's code block when the question quoted several pieces of code (docs/apply.md, "Several
// pieces of code"): the picker lists every piece in the question's order with the likeliest preselected, the
// piece picked is the one the diff replaces (never another), Escape changes nothing, and a piece that is no
// longer found is said so. The picker is driven with VS Code's own quick-open commands, as the keyboard would.

let api: AskCozeTestingApi;
const PICKER_TITLE = /^Apply the code in place of/;




/** `text` with its (1-based, inclusive) lines `first`..`last` replaced by `lines`. */
function withLines(text: string, first: number, last: number, lines: string[]): string {
  const all = text.split('\n');
  all.splice(first - 1, last - first + 1, ...lines);
  return all.join('\n');
}

/** A quote of `editor`'s lines `startLine`..`endLine` (1-based), as "Ask Coze in Chat" writes it. */
function quoteOf(editor: vscode.TextEditor, startLine: number, endLine: number): QuotedSelection {
  const document = editor.document;
  const range = new vscode.Range(startLine - 1, 0, endLine - 1, document.lineAt(endLine - 1).text.length);
  return { text: document.getText(range), languageId: document.languageId, fileName: vscode.workspace.asRelativePath(document.uri, false), startLine, endLine };
}

/** Asks the chat a question quoting `parts`; the bot answers `answer`. The finished turn. */
async function askQuoting(parts: QuotedSelection[], answer: string): Promise<ChatTurnView> {
  await fake.behavior({ answers: [answer] });
  const before = api.chat.state().turns.length;
  api.chat.send({ type: 'send', text: `${quoteSelections(parts)}Which of these is wrong? Fix it.` });
  return waitFor('the answer', () => {
    const turn = api.chat.state().turns.at(-1);
    return api.chat.state().turns.length > before && turn?.status === 'done' ? turn : undefined;
  });
}

/** Apply on `code` (a block of the turn's answer, as the webview sends it) and the picker it opens. */
async function applyAndPicker(turn: ChatTurnView, code: string): Promise<QuickInputSnapshot> {
  api.chat.send({ type: 'applyCode', code: `${code}\n`, turnId: turn.id });
  return waitFor('the picker of quoted pieces', () => {
    const shown = api.quickInput();
    return shown?.kind === 'pick' && PICKER_TITLE.test(shown.title ?? '') ? shown : undefined;
  });
}

/** Moves to the row `label` (as the arrow keys would) and presses Enter. */
async function pick(shown: QuickInputSnapshot, label: string): Promise<void> {
  await api.activateQuickPickItem(label);
  await pressUntilGone(api, shown, 'workbench.action.acceptSelectedQuickOpenItem');
}

const COUNT_LINES = ['export function lineCount(text: string): number {', "  const lines = text.split('\\n');", '  return lines.length;', '}', ''].join('\n');
const COUNT_WORDS = ['export function wordCount(text: string): number {', "  const words = text.split(' ');", '  return words.length;', '}', ''].join('\n');
/** A fix of lineCount's body: it resembles the first quote, so the picker preselects that one. */
const LINES_FIX = ['const lines = text.split(/\\r?\\n/);', "return lines.filter((l) => l.trim() !== '').length;"];
const answerWith = (language: string, lines: string[]) => `Count only the lines with text:\n\n\`\`\`${language}\n${lines.join('\n')}\n\`\`\`\n`;

suite('Apply when the question quoted several pieces of code', function () {
  this.timeout(60_000);

  suiteSetup(async () => {
    api = await activateForTests();
  });

  setup(async () => {
    await api.chat.whenIdle();
    await fake.reset();
    await fake.behavior({ completeAfterMs: 100, deltaIntervalMs: 5, deltaSize: 32, followUps: [] });
    await api.setToken(testToken());
    api.chat.send({ type: 'newChat' });
    await waitFor('a new chat', () => api.chat.state().turns.length === 0 || undefined);
  });

  teardown(async () => {
    // A failed test may leave the picker open: it must not take the next test's keys.
    if (api.quickInput()) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('notifications.clearAll');
    for (const document of vscode.workspace.textDocuments) if (document.isDirty && document.uri.scheme === 'file') await document.save();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('two files: both are listed in the question’s order; picking the second replaces the second’s lines, as one undoable edit', async () => {
    const a = await openFile('picker_lines.ts', COUNT_LINES);
    const b = await openFile('picker_words.ts', COUNT_WORDS);
    const turn = await askQuoting([quoteOf(a, 2, 3), quoteOf(b, 2, 3)], answerWith('ts', LINES_FIX));

    const shown = await applyAndPicker(turn, LINES_FIX.join('\n'));
    assert.deepEqual(shown.items, ['picker_lines.ts:2-3', 'picker_words.ts:2-3'], 'every piece, as `path:lines`, in the question’s order');
    assert.deepEqual(shown.details, ["const lines = text.split('\\n');", "const words = text.split(' ');"], 'each with its first line of code');
    assert.deepEqual(shown.descriptions, ['most likely', ''], 'the block fixes the first piece: that one is marked');
    assert.equal(diffTab(), undefined, 'nothing opens before a piece is picked');

    // Not the likeliest: the user's choice is what counts.
    await pick(shown, 'picker_words.ts:2-3');
    const input = await waitForDiff();
    assert.equal(input.original.toString(), b.document.uri.toString(), 'the left side is the file picked');
    const expected = withLines(COUNT_WORDS, 2, 3, LINES_FIX.map((line) => `  ${line}`));
    assert.equal(await rightSide(input), expected, 'the right side has the block in place of the picked lines, at their indentation');
    assert.equal(b.document.getText(), COUNT_WORDS, 'the left side is the file unchanged');
    assert.equal(b.document.isDirty, false);

    assert.equal(await vscode.commands.executeCommand('askCoze.acceptApply', input.modified), true);
    assert.equal(b.document.getText(), expected);
    assert.equal(a.document.getText(), COUNT_LINES, 'the piece not picked is left alone');
    assert.equal(a.document.isDirty, false);
    await vscode.window.showTextDocument(b.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(b.document.getText(), COUNT_WORDS, 'one Undo takes the change back');
  });

  test('two ranges of one file: the range the block fixes is preselected, and Enter replaces that range only', async () => {
    const text = ['def first(items):', '    return items[0]', '', '', 'def last(items):', '    return items[len(items)]', ''].join('\n');
    const editor = await openFile('picker_ends.py', text);
    const fix = ['def last(items):', '    return items[len(items) - 1]'];
    const turn = await askQuoting([quoteOf(editor, 1, 2), quoteOf(editor, 5, 6)], answerWith('python', fix));

    const shown = await applyAndPicker(turn, fix.join('\n'));
    assert.deepEqual(shown.items, ['picker_ends.py:1-2', 'picker_ends.py:5-6']);
    assert.deepEqual(shown.descriptions, ['', 'most likely']);
    // Enter without moving: the preselected row.
    await pressUntilGone(api, shown, 'workbench.action.acceptSelectedQuickOpenItem');
    const input = await waitForDiff();
    assert.equal(input.original.toString(), editor.document.uri.toString());
    const expected = withLines(text, 5, 6, fix);
    assert.equal(await rightSide(input), expected, 'the second range is replaced, the first is not');
    assert.equal(await vscode.commands.executeCommand('askCoze.acceptApply', input.modified), true);
    assert.equal(editor.document.getText(), expected);
  });

  test('the piece in the language of the block’s fence is preselected when the code itself tells nothing', async () => {
    const py = await openFile('picker_lang.py', 'x = 1\ny = 2\n');
    const ts = await openFile('picker_lang.ts', 'let a = 1;\nlet b = 2;\n');
    const block = ['const total = 3;'];
    // Same size, nothing in common with either piece: only the fence ("typescript") points at the second.
    const turn = await askQuoting([quoteOf(py, 1, 2), quoteOf(ts, 1, 2)], answerWith('typescript', block));

    const shown = await applyAndPicker(turn, block.join('\n'));
    assert.deepEqual(shown.descriptions, ['', 'most likely']);
    await pressUntilGone(api, shown, 'workbench.action.acceptSelectedQuickOpenItem');
    const input = await waitForDiff();
    assert.equal(input.original.toString(), ts.document.uri.toString());
    assert.equal(await rightSide(input), 'const total = 3;\n');
    await vscode.commands.executeCommand('askCoze.discardApply', input.modified);
    assert.equal(py.document.getText(), 'x = 1\ny = 2\n');
    assert.equal(ts.document.getText(), 'let a = 1;\nlet b = 2;\n');
  });

  test('Escape at the picker changes nothing and says nothing', async () => {
    const a = await openFile('picker_escape_a.ts', COUNT_LINES);
    const b = await openFile('picker_escape_b.ts', COUNT_WORDS);
    const turn = await askQuoting([quoteOf(a, 2, 3), quoteOf(b, 2, 3)], answerWith('ts', LINES_FIX));
    const notified = api.notifications().at(-1);
    const logged = api.logLines().length;

    const shown = await applyAndPicker(turn, LINES_FIX.join('\n'));
    await pressUntilGone(api, shown, 'workbench.action.closeQuickOpen');
    await waitFor('Apply to give up', () => api.logLines().slice(logged).some((l) => /the picker of quoted pieces was closed; nothing applied/.test(l)) || undefined);
    assert.equal(diffTab(), undefined, 'no diff');
    assert.equal(api.notifications().at(-1), notified, 'no message');
    assert.equal(a.document.getText(), COUNT_LINES);
    assert.equal(b.document.getText(), COUNT_WORDS);
    assert.equal(a.document.isDirty || b.document.isDirty, false);
  });

  test('a piece whose file is gone, or whose lines changed, is said so when picked, and nothing is applied elsewhere unasked', async () => {
    const gone = await openFile('picker_gone.ts', COUNT_LINES);
    const kept = await openFile('picker_kept.ts', COUNT_WORDS);
    const other = await openFile('picker_other.ts', 'export const unit = 1;\n');
    const turn = await askQuoting([quoteOf(gone, 2, 3), quoteOf(kept, 2, 3), quoteOf(other, 1, 1)], answerWith('ts', LINES_FIX));
    // The first file is closed and deleted after the question.
    await vscode.window.showTextDocument(gone.document);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(gone.document.uri);
    await vscode.window.showTextDocument(kept.document);

    let shown = await applyAndPicker(turn, LINES_FIX.join('\n'));
    assert.deepEqual(shown.items, ['picker_gone.ts:2-3', 'picker_kept.ts:2-3', 'picker_other.ts:1']);
    assert.deepEqual(shown.descriptions, ['file not found', 'most likely', ''], 'the likeliest piece that can still be applied');
    await pick(shown, 'picker_gone.ts:2-3');
    const fileMessage = await waitFor('the message', () => api.notifications().find((n) => n.message.startsWith('picker_gone.ts:2-3 is not open in this window and is not a file of its workspace')));
    assert.equal(fileMessage.severity, 'warning');
    assert.deepEqual(fileMessage.actions, ['Use the Editor']);
    assert.equal(diffTab(), undefined, 'not applied to the other piece or the editor instead');
    assert.equal(kept.document.getText(), COUNT_WORDS);
    assert.equal(other.document.getText(), 'export const unit = 1;\n');
    await vscode.commands.executeCommand('notifications.clearAll');

    // The kept file changes so that its quoted lines are gone; the user picks it, is told, and uses the editor's selection.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(kept.document.uri, new vscode.Range(1, 0, 2, kept.document.lineAt(2).text.length), '  return text.split(/\\s+/).length;');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const changed = kept.document.getText();
    const editor = await vscode.window.showTextDocument(kept.document);
    editor.selection = new vscode.Selection(1, 0, 1, editor.document.lineAt(1).text.length);
    api.answerNotification(/^The lines quoted from picker_kept\.ts:2-3 are no longer in that file/, 'Use the Editor');
    shown = await applyAndPicker(turn, LINES_FIX.join('\n'));
    assert.deepEqual(shown.descriptions, ['file not found', 'no longer in the file', 'most likely']);
    await pick(shown, 'picker_kept.ts:2-3');
    const input = await waitForDiff();
    assert.ok(api.notifications().some((n) => n.message.includes('To apply it in picker_kept.ts instead, select the lines it replaces there and choose Use the Editor.')));
    assert.equal(input.original.toString(), kept.document.uri.toString());
    assert.equal(await rightSide(input), withLines(changed, 2, 2, LINES_FIX.map((line) => `  ${line}`)), 'the editor’s selection, once asked');
    await vscode.commands.executeCommand('askCoze.discardApply', input.modified);
  });
});
