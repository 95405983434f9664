import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import { looksLikeWholeFile, type ApplyTarget, type Span } from './codeEdit';
import { APPLY_SCHEME, type ApplyDiffs } from './applyDiffs';
import { labelOf, type ApplySource } from './applySource';
import { locateQuote, quoteLabel } from './quotedCode';

// "Apply" on a code block: decides which file and which part of it the block replaces, then opens the diff
// (applyDiffs.ts). In this order (docs/apply.md):
//  1. the code the question was asked about: the chat's turn quotes it (`path:lines`, src/apply/quotedCode.ts),
//     an answer panel asked about a selection remembers it (AnswerPanel.applySource). The block replaces
//     those lines, found again if the file changed since, or the whole file when the block is a whole file
//     and the quote was not;
//  2. else, in the editor last used: the whole file when the block looks like a whole file of it;
//  3. else that editor's selection;
//  4. else, after asking, the whole file.

export type ApplyOutcome = 'opened' | 'noTarget' | 'canceled';

export class CodeApplier extends Disposable {
  /** The text editor last active (a webview takes the focus from it; the diff's sides are not it). */
  private lastEditor: vscode.TextEditor | undefined;

  constructor(
    private readonly diffs: ApplyDiffs,
    private readonly notifier: Notifier,
    private readonly log: Log,
  ) {
    super();
    this.remember(vscode.window.activeTextEditor);
    this.register(vscode.window.onDidChangeActiveTextEditor((editor) => this.remember(editor)));
  }

  private remember(editor: vscode.TextEditor | undefined): void {
    if (editor && editor.document.uri.scheme !== APPLY_SCHEME && !isOutput(editor.document)) this.lastEditor = editor;
  }

  /** Opens the diff of `block` applied; `sources` are what the question quoted (none: the editor decides). */
  async apply(block: string, sources: readonly ApplySource[] = []): Promise<ApplyOutcome> {
    if (!block.trim()) return 'canceled';
    const source = sources.length > 1 ? await this.pick(sources) : sources[0];
    if (sources.length > 1 && !source) return 'canceled';
    if (source) {
      const found = await this.locate(source);
      if (found) {
        const { document, span } = found;
        const text = document.getText();
        const whole = looksLikeWholeFile(block, text) && !looksLikeWholeFile(source.quote.code, text);
        await this.diffs.propose(document, block, whole ? { kind: 'wholeFile' } : { kind: 'span', span });
        return 'opened';
      }
    }
    const editor = this.editor();
    if (!editor) {
      void this.notifier.show('info', vscode.l10n.t('Open the file the code is for (and select the lines it replaces), then choose Apply again.'));
      return 'noTarget';
    }
    const document = editor.document;
    let target: ApplyTarget | undefined;
    if (looksLikeWholeFile(block, document.getText())) target = { kind: 'wholeFile' };
    else if (!editor.selection.isEmpty) target = { kind: 'span', span: toSpan(editor.selection) };
    else {
      const whole = vscode.l10n.t('Replace Whole File');
      const choice = await this.notifier.show(
        'info',
        vscode.l10n.t('Replace all of {0} with the code? To replace only some lines, select them first, then choose Apply again.', labelOf(document)),
        [whole],
      );
      if (choice !== whole) return 'canceled';
      target = { kind: 'wholeFile' };
    }
    await this.diffs.propose(document, block, target);
    return 'opened';
  }

  private editor(): vscode.TextEditor | undefined {
    const last = this.lastEditor;
    if (last && vscode.window.visibleTextEditors.includes(last)) return last;
    return vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme !== APPLY_SCHEME && !isOutput(e.document));
  }

  private async pick(sources: readonly ApplySource[]): Promise<ApplySource | undefined> {
    const items = sources.map((source) => ({ label: quoteLabel(source.quote), source }));
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Apply the code in place of…'), placeHolder: vscode.l10n.t('The question quoted several pieces of code: which one does this code replace?') });
    return picked?.source;
  }

  /** The document the quote came from, and where the quoted code is in it now. */
  private async locate(source: ApplySource): Promise<{ document: vscode.TextDocument; span: Span } | undefined> {
    const uri = source.uri ?? (await resolveFileName(source.quote.fileName));
    if (!uri) {
      this.log.info(`Apply: ${quoteLabel(source.quote)} is not a file of this window; using the editor instead.`);
      return undefined;
    }
    const document = await Promise.resolve(vscode.workspace.openTextDocument(uri)).catch(() => undefined);
    const span = document && locateQuote(document.getText(), source.quote);
    if (!document || !span) {
      this.log.info(`Apply: the code quoted from ${quoteLabel(source.quote)} is no longer there; using the editor instead.`);
      return undefined;
    }
    return { document, span };
  }
}

/** The file a quote names: an open document of that name, an absolute path, or a file in a workspace folder. */
async function resolveFileName(fileName: string): Promise<vscode.Uri | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme !== APPLY_SCHEME && labelOf(d) === fileName);
  if (open) return open.uri;
  const candidates = fileName.startsWith('/') || /^[A-Za-z]:[\\/]/.test(fileName)
    ? [vscode.Uri.file(fileName)]
    : (vscode.workspace.workspaceFolders ?? []).map((folder) => vscode.Uri.joinPath(folder.uri, fileName));
  for (const uri of candidates) {
    const found = await Promise.resolve(vscode.workspace.fs.stat(uri)).then(
      (stat) => (stat.type & vscode.FileType.File) !== 0,
      () => false,
    );
    if (found) return uri;
  }
  return undefined;
}

function toSpan(range: vscode.Range): Span {
  return { startLine: range.start.line, startCharacter: range.start.character, endLine: range.end.line, endCharacter: range.end.character };
}

function isOutput(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'output' || document.uri.scheme === 'vscode-output';
}
