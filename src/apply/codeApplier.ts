import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import type { ShownQuickInput } from '../shownQuickInput';
import { looksLikeWholeFile, type ApplyTarget, type Span } from './codeEdit';
import { APPLY_SCHEME, type ApplyDiffs } from './applyDiffs';
import { labelOf, type ApplySource } from './applySource';
import { distinctQuotes, fenceNameOf, likelihoodOrder } from './likelyQuote';
import { locateQuote, quoteLabel } from './quotedCode';
import { pickQuote, type Missing, type PickerRow } from './quotePicker';

// "Apply" on a code block: decides which file and which part of it the block replaces, then opens the diff
// (applyDiffs.ts). In this order (docs/apply.md):
//  1. the code the question was asked about: the chat's turn quotes it (`path:lines`, src/apply/quotedCode.ts),
//     an answer panel asked about a selection remembers it (AnswerPanel.applySource). The block replaces
//     those lines, found again if the file changed since, or the whole file when the block is a whole file
//     and the quote was not. Several pieces quoted: a picker asks which one (quotePicker.ts, the likeliest
//     preselected: likelyQuote.ts); a piece picked that is no longer found is not silently swapped for another
//     place: the user is told, and may use the editor instead;
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
    /** Under the in-host tests, sees the picker of quoted pieces (src/testingApi.ts). */
    private readonly observe?: (shown: ShownQuickInput, open: boolean) => void,
  ) {
    super();
    this.remember(vscode.window.activeTextEditor);
    this.register(vscode.window.onDidChangeActiveTextEditor((editor) => this.remember(editor)));
  }

  private remember(editor: vscode.TextEditor | undefined): void {
    if (editor && editor.document.uri.scheme !== APPLY_SCHEME && !isOutput(editor.document)) this.lastEditor = editor;
  }

  /**
   * Opens the diff of `block` applied; `sources` are what the question quoted (none: the editor decides).
   * `answer` is the Markdown the block is from: its fence names the block's language, which helps to guess
   * which of several quoted pieces it replaces.
   */
  async apply(block: string, sources: readonly ApplySource[] = [], answer?: string): Promise<ApplyOutcome> {
    if (!block.trim()) return 'canceled';
    const distinct = distinctQuotes(sources);
    if (distinct.length > 1) {
      const located = await Promise.all(distinct.map((source) => this.locate(source)));
      if (located.some((l) => 'span' in l)) return this.applyPicked(block, distinct, located, answer);
      // None of them is where it was quoted any more: as for a single quote, the editor decides.
      this.log.info('Apply: none of the quoted pieces of code is in its file any more; using the editor instead.');
    } else if (distinct.length === 1) {
      const found = await this.locate(distinct[0]!);
      if ('span' in found) return this.proposeAt(found, block, distinct[0]!);
      this.log.info(`Apply: ${describeMissing(found.missing, distinct[0]!)}; using the editor instead.`);
    }
    return this.inEditor(block);
  }

  private async applyPicked(block: string, sources: readonly ApplySource[], located: readonly Located[], answer: string | undefined): Promise<ApplyOutcome> {
    const rows: PickerRow[] = sources.map((source, i) => {
      const l = located[i]!;
      return 'missing' in l ? { source, missing: l.missing } : { source };
    });
    const language = answer === undefined ? undefined : fenceNameOf(answer, block);
    const order = likelihoodOrder(block, sources.map((s) => s.quote), language);
    const likeliest = order.find((i) => !rows[i]!.missing) ?? order[0]!;
    const picked = await pickQuote(rows, likeliest, this.observe);
    if (!picked) {
      this.log.info('Apply: the picker of quoted pieces was closed; nothing applied.');
      return 'canceled';
    }
    // Found again: the file may have changed while the picker was open.
    const found = await this.locate(picked.source);
    if ('span' in found) return this.proposeAt(found, block, picked.source);
    this.tellMissing(block, picked.source, found.missing);
    return 'noTarget';
  }

  private async proposeAt(found: Found, block: string, source: ApplySource): Promise<ApplyOutcome> {
    const { document, span } = found;
    const text = document.getText();
    const whole = looksLikeWholeFile(block, text) && !looksLikeWholeFile(source.quote.code, text);
    await this.diffs.propose(document, block, whole ? { kind: 'wholeFile' } : { kind: 'span', span });
    return 'opened';
  }

  /**
   * The piece picked cannot be found: never another place in its stead without asking. The user is told why,
   * and may have the editor decide instead (its selection, or its whole file).
   */
  private tellMissing(block: string, source: ApplySource, missing: Missing): void {
    const label = quoteLabel(source.quote);
    this.log.info(`Apply: ${describeMissing(missing, source)}; nothing applied.`);
    const why = missing === 'file'
      ? vscode.l10n.t('{0} is not open in this window and is not a file of its workspace: the code cannot be applied there.', label)
      : vscode.l10n.t('The lines quoted from {0} are no longer in that file (it changed since the question): the code cannot replace them.', label);
    const editor = this.editor();
    if (!editor) {
      void this.notifier.show('warning', `${why} ${vscode.l10n.t('Open the file the code is for (and select the lines it replaces), then choose Apply again.')}`);
      return;
    }
    const useEditor = vscode.l10n.t('Use the Editor');
    const hint = vscode.l10n.t('To apply it in {0} instead, select the lines it replaces there and choose Use the Editor.', labelOf(editor.document));
    void this.notifier.show('warning', `${why} ${hint}`, [useEditor]).then(async (choice) => {
      if (choice === useEditor) await this.inEditor(block);
    });
  }

  /** Steps 2–4: the editor last used decides (its whole file, its selection, or its whole file after asking). */
  private async inEditor(block: string): Promise<ApplyOutcome> {
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

  /** The document the quote came from, and where the quoted code is in it now; or why it is not found. */
  private async locate(source: ApplySource): Promise<Located> {
    const uri = source.uri ?? (await resolveFileName(source.quote.fileName));
    const document = uri && (await Promise.resolve(vscode.workspace.openTextDocument(uri)).catch(() => undefined));
    if (!document) return { missing: 'file' };
    const span = locateQuote(document.getText(), source.quote);
    return span ? { document, span } : { missing: 'code' };
  }
}

interface Found {
  document: vscode.TextDocument;
  span: Span;
}
type Located = Found | { missing: Missing };

function describeMissing(missing: Missing, source: ApplySource): string {
  const label = quoteLabel(source.quote);
  return missing === 'file' ? `${label} is not a file of this window` : `the code quoted from ${label} is no longer there`;
}

/**
 * The file a quote names: an open document of that name, an absolute path, or a file in a workspace folder.
 * A document VS Code still holds for a file deleted since (closed documents linger) is not it, unless it has
 * unsaved changes: those are the user's text.
 */
async function resolveFileName(fileName: string): Promise<vscode.Uri | undefined> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme !== APPLY_SCHEME && labelOf(d) === fileName);
  if (open && (open.uri.scheme !== 'file' || open.isDirty || (await isFile(open.uri)))) return open.uri;
  const candidates = fileName.startsWith('/') || /^[A-Za-z]:[\\/]/.test(fileName)
    ? [vscode.Uri.file(fileName)]
    : (vscode.workspace.workspaceFolders ?? []).map((folder) => vscode.Uri.joinPath(folder.uri, fileName));
  for (const uri of candidates) if (await isFile(uri)) return uri;
  return undefined;
}

function isFile(uri: vscode.Uri): Promise<boolean> {
  return Promise.resolve(vscode.workspace.fs.stat(uri)).then(
    (stat) => (stat.type & vscode.FileType.File) !== 0,
    () => false,
  );
}

function toSpan(range: vscode.Range): Span {
  return { startLine: range.start.line, startCharacter: range.start.character, endLine: range.end.line, endCharacter: range.end.character };
}

function isOutput(document: vscode.TextDocument): boolean {
  return document.uri.scheme === 'output' || document.uri.scheme === 'vscode-output';
}
