import * as vscode from 'vscode';
import type { ChatViewProvider } from './chatView';
import type { ChatService } from './chatService';
import { quoteSelections, type QuotedSelection } from './selectionQuote';

// The chat's commands: Ask Coze in Chat (editor context menu and Ctrl+Alt+K), Open Chat, and the view's title
// buttons New Chat and Chat History.

export function registerChatCommands(service: ChatService, view: ChatViewProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('askCoze.askInChat', () => askInChat(view)),
    vscode.commands.registerCommand('askCoze.openChat', () => view.focusInput()),
    vscode.commands.registerCommand('askCoze.newChat', async () => {
      await service.newChat();
      await view.focusInput();
    }),
    vscode.commands.registerCommand('askCoze.showChatHistory', () => view.showHistory(true)),
  ];
}

/** The selection(s) of the active editor go into the chat input, quoted; without a selection the chat opens. */
async function askInChat(view: ChatViewProvider): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const parts = editor ? selectionsOf(editor) : [];
  if (parts.length === 0) return view.focusInput();
  return view.insertInput(quoteSelections(parts));
}

function selectionsOf(editor: vscode.TextEditor): QuotedSelection[] {
  const doc = editor.document;
  const fileName = doc.isUntitled ? doc.fileName : vscode.workspace.asRelativePath(doc.uri, false);
  return editor.selections
    .filter((s) => !s.isEmpty)
    .sort((a, b) => a.start.compareTo(b.start))
    .map((s) => ({
      text: doc.getText(s),
      languageId: doc.languageId,
      fileName,
      startLine: s.start.line + 1,
      // A selection of whole lines ends at column 0 of the next line: that line is not part of it.
      endLine: s.end.character === 0 && s.end.line > s.start.line ? s.end.line : s.end.line + 1,
    }))
    .filter((p) => p.text.trim() !== '');
}
