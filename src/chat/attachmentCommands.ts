import * as vscode from 'vscode';
import type { ChatViewProvider } from './chatView';
import type { PendingAttachments } from './pendingAttachments';

// The commands that attach files to the chat's next question: Attach Current File to Chat (palette), and Ask
// Coze about this file (the explorer's context menu, for one file or a selection of them). Both show the chat
// with the caret in its input, so the question can be typed at once.

export function registerAttachmentCommands(files: PendingAttachments, view: ChatViewProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('askCoze.attachActiveFile', async () => {
      if (await files.addActiveFile()) await view.focusInput();
    }),
    vscode.commands.registerCommand('askCoze.askAboutFile', async (clicked?: unknown, selected?: unknown) => {
      const uris = explorerUris(clicked, selected);
      const added = uris.length ? await files.addUris(uris) : Number(await files.addActiveFile());
      if (added > 0 || files.size > 0) await view.focusInput();
    }),
  ];
}

/**
 * The explorer passes the clicked file and every selected one; anything else (a keybinding's args, another
 * extension) is not a file to read, and the command then takes the active editor's file.
 */
function explorerUris(clicked: unknown, selected: unknown): vscode.Uri[] {
  const many = Array.isArray(selected) ? selected.filter((u): u is vscode.Uri => u instanceof vscode.Uri) : [];
  if (clicked instanceof vscode.Uri && many.some((u) => u.toString() === clicked.toString())) return many;
  return clicked instanceof vscode.Uri ? [clicked] : [];
}
