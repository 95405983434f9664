import * as vscode from 'vscode';
import { inPromptOrder, lineSpan, type ReadReference } from './promptReferences';

// Reads what the user attached to an @coze request (`#file`, `#selection`, the editor VS Code adds as implicit
// context): VS Code hands a Uri (a whole file), a Location (a range of one) or a string. Text files are quoted
// (src/participant/promptReferences.ts); a folder, an image or any file that is not text is left out and named,
// so the user knows what the bot did not see.

export interface ReadReferences {
  /** Quoted, in prompt order. */
  read: ReadReference[];
  /** Where each quoted one came from, to show as the response's references. */
  sources: Array<vscode.Uri | vscode.Location>;
  /** Names of the references left out. */
  skipped: string[];
}

export async function readReferences(references: readonly vscode.ChatPromptReference[]): Promise<ReadReferences> {
  const out: ReadReferences = { read: [], sources: [], skipped: [] };
  for (const reference of inPromptOrder(references)) {
    const { value } = reference;
    if (typeof value === 'string') {
      if (value.trim()) out.read.push({ kind: 'text', text: value });
      continue;
    }
    const location = value instanceof vscode.Location ? value : undefined;
    const uri = location?.uri ?? (value instanceof vscode.Uri ? value : undefined);
    if (!uri) {
      out.skipped.push(reference.id);
      continue;
    }
    const doc = await openText(uri);
    if (!doc) {
      out.skipped.push(displayName(uri));
      continue;
    }
    const range = location ? doc.validateRange(location.range) : undefined;
    const text = doc.getText(range);
    const span = range ? lineSpan(range.start, range.end) : { startLine: 1, endLine: lastLine(doc) };
    out.read.push({ kind: 'code', quote: { text, languageId: doc.languageId, fileName: displayName(uri, doc), ...span } });
    out.sources.push(location ?? uri);
  }
  return out;
}

/** The last line of a whole file as people count it: a file ending with a line break has no empty line after it. */
function lastLine(doc: vscode.TextDocument): number {
  const count = doc.lineCount;
  return count > 1 && doc.lineAt(count - 1).text === '' ? count - 1 : Math.max(1, count);
}

/** The document when the reference is a text file; undefined for a folder, a binary file or one that is gone. */
async function openText(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  try {
    return await vscode.workspace.openTextDocument(uri);
  } catch {
    // openTextDocument refuses folders and binary files with an error: they are reported as skipped.
    return undefined;
  }
}

/** The file as the user knows it: workspace-relative, or the name of an untitled document. */
function displayName(uri: vscode.Uri, doc?: vscode.TextDocument): string {
  if (doc?.isUntitled) return doc.fileName;
  return vscode.workspace.asRelativePath(uri, false);
}
