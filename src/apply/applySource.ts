import * as vscode from 'vscode';
import type { QuotedCode } from './quotedCode';

// What a question was asked about, for Apply (codeApplier.ts): the selection of an Ask Coze question, recorded
// with its answer panel when it is asked, or the lines a command names.

/** The code a question was about: where it came from when that was recorded, and what was quoted. */
export interface ApplySource {
  /** Recorded at ask time; absent for a quote read back from the question (its file name is then resolved). */
  uri?: vscode.Uri;
  quote: QuotedCode;
}

/** The source of a question asked about the editor's selection (one selection: several would be ambiguous). */
export function selectionSource(editor: vscode.TextEditor | undefined): ApplySource | undefined {
  if (!editor) return undefined;
  const selections = editor.selections.filter((s) => !s.isEmpty);
  if (selections.length !== 1) return undefined;
  const selection = selections[0]!;
  const document = editor.document;
  const code = document.getText(selection).replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  if (!code.trim()) return undefined;
  const endLine = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line : selection.end.line + 1;
  return { uri: document.uri, quote: { fileName: labelOf(document), startLine: selection.start.line + 1, endLine, code } };
}

/** Whole lines `startLine`..`endLine` (1-based) of `document` as a source (the askCoze.applyCodeBlock command). */
export function linesSource(document: vscode.TextDocument, startLine: number, endLine: number): ApplySource | undefined {
  const last = document.lineCount;
  if (startLine < 1 || endLine < startLine || endLine > last) return undefined;
  const code = document.getText(new vscode.Range(startLine - 1, 0, endLine - 1, document.lineAt(endLine - 1).text.length)).replace(/\r\n?/g, '\n');
  return { uri: document.uri, quote: { fileName: labelOf(document), startLine, endLine, code } };
}

/** What a quote calls a file: the way "Ask Coze in Chat" names it (src/chat/chatCommands.ts). */
export function labelOf(document: vscode.TextDocument): string {
  return document.isUntitled ? document.fileName : vscode.workspace.asRelativePath(document.uri, false);
}

