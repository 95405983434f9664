import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from './fakeControl';

// Shared by the in-host suites of Apply (codeActions.test.ts, applyPicker.test.ts): files written into the test
// window's workspace and opened, and the diff editor Apply opens (its right side is a document of Apply's own
// scheme, src/apply/applyDiffs.ts).

export const APPLY_SCHEME = 'askcoze-apply';

export const workspaceDir = (): string => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test window has a workspace folder');
  return folder.uri.fsPath;
};

/** A file in the workspace (the run's own folder), opened in an editor. */
export async function openFile(name: string, text: string): Promise<vscode.TextEditor> {
  const file = path.join(workspaceDir(), name);
  fs.writeFileSync(file, text);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(document, { preview: false });
}

export const allTabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((group) => group.tabs);
export const diffTab = (): vscode.Tab | undefined =>
  allTabs().find((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === APPLY_SCHEME);
export const diffInput = (): vscode.TabInputTextDiff | undefined => diffTab()?.input as vscode.TabInputTextDiff | undefined;

export function waitForDiff(): Promise<vscode.TabInputTextDiff> {
  return waitFor('the diff editor', () => diffInput());
}

/** The text of the diff's right side: the file with the block applied. */
export async function rightSide(input: vscode.TabInputTextDiff): Promise<string> {
  return (await vscode.workspace.openTextDocument(input.modified)).getText();
}
