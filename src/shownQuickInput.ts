import type * as vscode from 'vscode';

// The input boxes and pickers Ask Coze shows, as the in-host tests' observer sees them (src/testingApi.ts): a test
// types into the one shown and accepts it with VS Code's own command, as a user would (docs/testing.md). Every
// surface that shows one (Run Workflow's prompter, Select Bot, Set API Key, the history search, Apply's picker)
// numbers it from the one count here, so that two boxes never share an id.

export type ShownQuickInput =
  | { id: number; kind: 'input'; box: vscode.InputBox }
  | { id: number; kind: 'pick'; box: vscode.QuickPick<vscode.QuickPickItem> };

let lastQuickInputId = 0;

/** The id of a box about to be shown. */
export function nextQuickInputId(): number {
  return ++lastQuickInputId;
}
