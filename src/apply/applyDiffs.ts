import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import { applyPlanned, planEdit, relocate, textOf, splitLines, type ApplyTarget, type PlannedEdit, type Span } from './codeEdit';

// A code block applied to a file is first a proposal: VS Code's diff editor between the file (left, the real
// one) and the file with the block in place (right, an in-memory document of this scheme). Nothing is written
// until the user accepts: Accept (the diff's title bar, or the command) makes the change as a WorkspaceEdit, so
// that Undo takes it back, and leaves the file unsaved like any edit; Discard, or closing the diff, drops it.
// When the file changed since the diff was made, Accept does not apply stale text: it makes the change again
// on the file as it is now and shows that diff (docs/apply.md).

export const APPLY_SCHEME = 'askcoze-apply';
export const ACCEPT_COMMAND = 'askCoze.acceptApply';
export const DISCARD_COMMAND = 'askCoze.discardApply';

interface Proposal {
  id: string;
  /** The real file. */
  target: vscode.Uri;
  /** The right side of the diff. */
  uri: vscode.Uri;
  block: string;
  /** Whole file or a span; a span follows the text it replaces when the file changes. */
  mode: ApplyTarget['kind'];
  /** The file's text when the diff was made: Accept applies only to this text. */
  baseText: string;
  /** What the span held in baseText. */
  replaced: string;
  edit: PlannedEdit;
  /** The file with the edit made: what the right side shows. */
  proposed: string;
  title: string;
}

export class ApplyDiffs extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly proposals = new Map<string, Proposal>();
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly notifier: Notifier,
    private readonly log: Log,
  ) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(APPLY_SCHEME, this));
    this.register(vscode.commands.registerCommand(ACCEPT_COMMAND, (uri?: unknown) => this.accept(uri)));
    this.register(vscode.commands.registerCommand(DISCARD_COMMAND, (uri?: unknown) => this.discard(uri)));
    // A diff closed by hand is a discarded proposal.
    this.register(
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          const id = proposalIdOf(tab.input);
          if (id && !this.isShown(id)) this.proposals.delete(id);
        }
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.query)?.proposed ?? '';
  }

  /** Opens the diff of `block` put in place of `target` in `document`. */
  async propose(document: vscode.TextDocument, block: string, target: ApplyTarget): Promise<void> {
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const baseText = document.getText();
    const edit = planEdit(baseText, eol, block, target);
    const id = randomUUID().replace(/-/g, '');
    const name = document.uri.path.split('/').pop() || document.fileName;
    // The right side keeps the file's path (its language follows the file name) and is told apart by the id.
    const path = document.uri.path.startsWith('/') ? document.uri.path : `/${document.uri.path}`;
    const proposal: Proposal = {
      id,
      target: document.uri,
      uri: vscode.Uri.from({ scheme: APPLY_SCHEME, path, query: id }),
      block,
      mode: target.kind,
      baseText,
      replaced: textOf(splitLines(baseText), edit.span),
      edit,
      proposed: applyPlanned(baseText, eol, edit),
      title: vscode.l10n.t('{0} ↔ Coze’s change', name),
    };
    this.proposals.set(id, proposal);
    this.log.info(`Apply: diff of a code block on ${target.kind === 'wholeFile' ? 'the whole file' : `lines ${edit.span.startLine + 1}-${edit.span.endLine + 1}`} of ${name}.`);
    await this.show(proposal, document.languageId);
  }

  private async show(proposal: Proposal, languageId?: string): Promise<void> {
    if (languageId) {
      // An untitled file has no extension to tell the language by: give the right side the file's.
      const right = await vscode.workspace.openTextDocument(proposal.uri);
      if (right.languageId !== languageId) await vscode.languages.setTextDocumentLanguage(right, languageId).then(undefined, () => undefined);
    }
    await vscode.commands.executeCommand('vscode.diff', proposal.target, proposal.uri, proposal.title, { preview: false });
  }

  /** Accept: the change goes into the file (unsaved, undoable). False when nothing was applied. */
  async accept(arg?: unknown): Promise<boolean> {
    const proposal = this.find(arg);
    if (!proposal) {
      void this.notifier.show('info', vscode.l10n.t('There is no change of Coze’s to accept here.'));
      return false;
    }
    const document = await vscode.workspace.openTextDocument(proposal.target);
    if (document.getText() !== proposal.baseText) {
      await this.remake(proposal, document);
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    const range = toRange(proposal.edit.span);
    edit.replace(proposal.target, range, proposal.edit.text);
    if (!(await vscode.workspace.applyEdit(edit))) {
      void this.notifier.show('warning', vscode.l10n.t('Coze’s change could not be applied to {0}: the file is read-only.', fileName(proposal.target)));
      return false;
    }
    await this.close(proposal);
    const lines = splitLines(proposal.edit.text);
    const start = range.start;
    const end = new vscode.Position(start.line + lines.length - 1, (lines.length === 1 ? start.character : 0) + lines[lines.length - 1]!.length);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(start, end), preview: false });
    this.log.info('Apply: change accepted.');
    return true;
  }

  /** Discard: the diff closes, the file stays as it is. */
  async discard(arg?: unknown): Promise<boolean> {
    const proposal = this.find(arg);
    if (!proposal) return false;
    await this.close(proposal);
    this.log.info('Apply: change discarded.');
    return true;
  }

  /**
   * The file changed after the diff was made: make the same change on the file as it is now and show it again,
   * or, when the replaced lines are gone, say so and close the diff.
   */
  private async remake(proposal: Proposal, document: vscode.TextDocument): Promise<void> {
    const text = document.getText();
    const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const span: Span | undefined = proposal.mode === 'wholeFile' ? undefined : relocate(text, proposal.replaced, proposal.edit.span);
    if (proposal.mode === 'span' && !span) {
      await this.close(proposal);
      void this.notifier.show('warning', vscode.l10n.t('{0} changed since the diff was opened, and the lines Coze’s code was to replace are no longer there. Nothing was applied.', fileName(proposal.target)));
      return;
    }
    const edit = planEdit(text, eol, proposal.block, span ? { kind: 'span', span } : { kind: 'wholeFile' });
    Object.assign(proposal, { baseText: text, edit, replaced: textOf(splitLines(text), edit.span), proposed: applyPlanned(text, eol, edit) });
    this.changed.fire(proposal.uri);
    await this.show(proposal);
    void this.notifier.show('warning', vscode.l10n.t('{0} changed since the diff was opened: the diff now shows Coze’s change on the file as it is now. Review it, then accept again.', fileName(proposal.target)));
  }

  private find(arg: unknown): Proposal | undefined {
    // From the diff's title bar VS Code passes the editor's resource: the right side.
    if (arg instanceof vscode.Uri && arg.scheme === APPLY_SCHEME) return this.proposals.get(arg.query);
    const active = proposalIdOf(vscode.window.tabGroups.activeTabGroup.activeTab?.input);
    if (active) return this.proposals.get(active);
    return undefined;
  }

  private async close(proposal: Proposal): Promise<void> {
    this.proposals.delete(proposal.id);
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => proposalIdOf(tab.input) === proposal.id);
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  private isShown(id: string): boolean {
    return vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => proposalIdOf(tab.input) === id));
  }

  /** Proposals with a diff open (for tests). */
  get openCount(): number {
    return this.proposals.size;
  }
}

function proposalIdOf(input: unknown): string | undefined {
  return input instanceof vscode.TabInputTextDiff && input.modified.scheme === APPLY_SCHEME ? input.modified.query : undefined;
}

function toRange(span: Span): vscode.Range {
  return new vscode.Range(span.startLine, span.startCharacter, span.endLine, span.endCharacter);
}

function fileName(uri: vscode.Uri): string {
  return uri.scheme === 'untitled' ? uri.path : vscode.workspace.asRelativePath(uri, false);
}
