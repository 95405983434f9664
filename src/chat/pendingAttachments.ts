import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import { MAX_ATTACHMENT_DATA_BYTES, MAX_ATTACHMENTS, type AttachmentKind, type AttachmentView, type PendingAttachmentView } from '../protocol';
import {
  attachmentKind,
  checkAttachment,
  cleanFileName,
  COZE_LIMITS,
  formatBytes,
  nameForData,
  type AttachmentLimits,
  type Refusal,
  type StoredAttachment,
} from './attachments';

// The files attached in the chat's composer, waiting for the next question, and the ones a question took that
// are not uploaded yet. The host keeps them (not the webview), so they survive the view being hidden and
// rebuilt. Files from disk are only stat'ed here and read when they are uploaded, through vscode.workspace.fs
// (remote and virtual workspaces too), so ten large files never sit in memory; pasted or dropped bytes are
// held as they came, bounded by MAX_ATTACHMENT_DATA_BYTES. Everything Coze or the chat would refuse is refused
// here, before anything is sent, with the reason. The log gets names and sizes, never contents. The chips
// survive a window reload or a restart through an AttachmentKeeper (src/chat/keptAttachments.ts), like the draft.

/** `copy`: pasted bytes also written to the extension's storage, so that they survive a reload (src/chat/keptAttachments.ts). */
export type AttachmentSource = { kind: 'uri'; uri: vscode.Uri } | { kind: 'data'; data: Uint8Array; copy?: KeptCopy };

/** A copy of pasted bytes: its file in the extension's storage, and when it was written. */
export interface KeptCopy {
  file: string;
  savedAt: number;
}

/** The chips that came back after a reload, and a sentence for each one that could not. */
export interface RestoredAttachments {
  items: PendingAttachment[];
  dropped: string[];
}

/** Keeps the chips across a window reload or a restart (src/chat/keptAttachments.ts). */
export interface AttachmentKeeper {
  /** The chips now and the attachments waiting for their upload; written in order, in the background. */
  save(items: readonly PendingAttachment[], held: readonly PendingAttachment[]): void;
  /** The chips kept by the last session, each checked again. */
  restore(limits: AttachmentLimits): Promise<RestoredAttachments>;
  /** Resolves once every write asked for so far is done. */
  idle(): Promise<void>;
}

export interface PendingAttachment {
  id: string;
  name: string;
  bytes: number;
  kind: AttachmentKind;
  /** Where the bytes come from; absent for a file a failed turn had uploaded already (fileId is enough). */
  source?: AttachmentSource;
  /** Coze's id, when an earlier try of the question uploaded it: it is not uploaded again. */
  fileId?: string;
  /** Put back into the composer by this failed turn; a Retry of that turn takes it away again. */
  fromTurn?: string;
}

/** A failure to read a file for its upload; the message is for the user. */
export class AttachmentReadError extends Error {}

export class PendingAttachments extends Disposable {
  private items: PendingAttachment[] = [];
  /** Attachments a question took, by id, until they are uploaded: a Retry needs their bytes again. */
  private readonly held = new Map<string, PendingAttachment>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  /** Nothing is kept before the last session's chips are back: that would overwrite them. */
  private restored = false;
  private restoring: Promise<void>;

  constructor(
    private readonly notifier: Notifier,
    private readonly log: Log,
    private readonly limits: AttachmentLimits = COZE_LIMITS,
    private readonly keeper?: AttachmentKeeper,
  ) {
    super();
    this.register(this.onDidChange(() => this.keep()));
    this.restoring = this.restoreSaved();
  }

  /** Resolves once the chips of the last session are back (or could not come back). */
  whenRestored(): Promise<void> {
    return this.restoring;
  }

  /**
   * Forgets what is in memory and takes the kept chips back, as a new extension host does after a window
   * reload (the in-host tests cannot reload the window they run in).
   */
  async reloadFromSaved(): Promise<void> {
    await this.restoring;
    await this.keeper?.idle();
    this.restored = false;
    this.items = [];
    this.held.clear();
    this.restoring = this.restoreSaved();
    await this.restoring;
  }

  private keep(): void {
    if (this.restored) this.keeper?.save(this.items, [...this.held.values()]);
  }

  /** The chips kept by the last session come back before any added since; those that cannot are named. */
  private async restoreSaved(): Promise<void> {
    if (!this.keeper) {
      this.restored = true;
      return;
    }
    let back: RestoredAttachments = { items: [], dropped: [] };
    try {
      back = await this.keeper.restore(this.limits);
    } catch (err) {
      this.log.warn(`Chat: the attachments of the last session could not be read: ${errorText(err)}`);
    }
    const keys = (item: PendingAttachment) => (item.source?.kind === 'uri' ? [item.id, item.source.uri.toString()] : [item.id]);
    const added = new Set(this.items.flatMap(keys));
    const returning = back.items.filter((item) => !keys(item).some((key) => added.has(key)));
    this.items = [...returning, ...this.items].slice(0, MAX_ATTACHMENTS);
    this.restored = true;
    if (back.dropped.length) void this.notifier.show('warning', back.dropped.join(' '));
    if (returning.length || back.dropped.length) this.changed.fire();
  }

  /** The chips the composer shows. */
  views(): PendingAttachmentView[] {
    return this.items.map((item) => ({ id: item.id, ...attachmentView(item.name, item.bytes, item.kind) }));
  }

  get size(): number {
    return this.items.length;
  }

  // ---- adding ------------------------------------------------------------------------------------------

  /** The attach button: the current file or files from disk (straight to the file dialog without a current file). */
  async pick(): Promise<void> {
    const active = activeFile();
    if (active) {
      const current = { label: `$(file) ${active.name}`, description: vscode.l10n.t('Current file'), pick: 'active' as const };
      const files = { label: `$(files) ${vscode.l10n.t('Choose files…')}`, pick: 'files' as const };
      const choice = await vscode.window.showQuickPick([current, files], { placeHolder: vscode.l10n.t('Attach to the next question') });
      if (!choice) return;
      if (choice.pick === 'active') {
        await this.addActiveFile();
        return;
      }
    }
    const uris = await vscode.window.showOpenDialog({
      canSelectFiles: true,
      canSelectFolders: false,
      canSelectMany: true,
      openLabel: vscode.l10n.t('Attach'),
      title: vscode.l10n.t('Attach files to the next question'),
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (uris?.length) await this.addUris(uris);
  }

  /**
   * The file of the active editor (or the active tab, e.g. an image preview). A document with unsaved changes
   * (or never saved) is attached as the text the user sees, not as what is on disk.
   */
  async addActiveFile(): Promise<boolean> {
    const active = activeFile();
    if (!active) {
      void this.notifier.show('info', vscode.l10n.t('Open a file in an editor to attach it.'));
      return false;
    }
    if (!active.document) return (await this.addUris([active.uri])) > 0;
    const { document } = active;
    const hasFileSystem = vscode.workspace.fs.isWritableFileSystem(document.uri.scheme) !== undefined;
    if (!document.isUntitled && !document.isDirty && hasFileSystem) return (await this.addUris([document.uri])) > 0;
    const name = document.isUntitled && !active.name.includes('.') ? `${active.name}.txt` : active.name;
    return this.addBytes(name, new TextEncoder().encode(document.getText()), undefined);
  }

  /** Files from disk (the dialog, the explorer, a drop from VS Code): checked now, read when they are uploaded. */
  async addUris(uris: readonly vscode.Uri[]): Promise<number> {
    const refusals: Refusal[] = [];
    let added = 0;
    for (const uri of uris) {
      const key = uri.toString();
      if (this.items.some((item) => item.source?.kind === 'uri' && item.source.uri.toString() === key)) continue; // attached already
      const name = cleanFileName(uriBaseName(uri), 'file');
      let stat: vscode.FileStat;
      try {
        stat = await vscode.workspace.fs.stat(uri);
      } catch (err) {
        refusals.push({ reason: 'unreadable', name, detail: errorText(err) });
        continue;
      }
      const isDirectory = (stat.type & vscode.FileType.Directory) !== 0;
      const refusal = checkAttachment({ name, bytes: stat.size, isDirectory }, this.items.length, this.limits);
      if (refusal) {
        refusals.push(refusal);
        continue;
      }
      this.push({ id: newId(), name, bytes: stat.size, kind: attachmentKind(name, this.limits), source: { kind: 'uri', uri } });
      added++;
    }
    this.refuse(refusals);
    return added;
  }

  /** Bytes pasted or dropped into the composer. The webview's name and type are claims, checked here. */
  addData(id: string, rawName: string, mime: string, data: Uint8Array): boolean {
    if (this.items.some((item) => item.id === id) || this.held.has(id)) {
      this.log.warn('Chat: ignored an attachment with an id already in use.');
      return false;
    }
    const verdict = nameForData(rawName, mime, data, 'pasted');
    if (!verdict.ok) {
      this.refuse([verdict.refusal]);
      return false;
    }
    return this.addBytes(verdict.name, data, id);
  }

  /** URIs a drop from VS Code carried: only files of the workspace or open in an editor (a webview names them). */
  async addDroppedUris(raw: readonly string[]): Promise<number> {
    const uris: vscode.Uri[] = [];
    for (const text of raw) {
      let uri: vscode.Uri;
      try {
        uri = vscode.Uri.parse(text, true);
      } catch {
        continue;
      }
      const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
      if (open || vscode.workspace.getWorkspaceFolder(uri)) uris.push(uri);
      else void this.notifier.show('warning', vscode.l10n.t('{0} is not in the workspace: attach it with the attach button instead.', cleanFileName(uriBaseName(uri), text)));
    }
    return uris.length ? this.addUris(uris) : 0;
  }

  /** A pasted or dropped file the webview did not hand over: too large to carry, or not readable (a folder). */
  refusedByView(rawName: string, bytes: number, reason: 'tooLarge' | 'unreadable'): void {
    const name = cleanFileName(rawName, 'file');
    this.log.info(`Chat: not attached: ${name} (${reason === 'tooLarge' ? `too large to paste, ${bytes} bytes` : 'unreadable in the view'})`);
    const message =
      reason === 'tooLarge'
        ? vscode.l10n.t('{0} is too large to paste or drop here ({1}; at most {2}): attach it with the attach button instead.', name, formatBytes(bytes), formatBytes(MAX_ATTACHMENT_DATA_BYTES))
        : vscode.l10n.t('{0} could not be read. Only files can be attached, not folders.', name);
    void this.notifier.show('warning', message);
  }

  private addBytes(name: string, data: Uint8Array, id: string | undefined): boolean {
    const refusal = checkAttachment({ name, bytes: data.byteLength }, this.items.length, this.limits);
    if (refusal) {
      this.refuse([refusal]);
      return false;
    }
    this.push({ id: id ?? newId(), name, bytes: data.byteLength, kind: attachmentKind(name, this.limits), source: { kind: 'data', data } });
    return true;
  }

  private push(item: PendingAttachment): void {
    this.items.push(item);
    this.log.info(`Chat: attached ${item.name} (${formatBytes(item.bytes)}, ${item.kind})`);
    this.changed.fire();
  }

  private refuse(refusals: readonly Refusal[]): void {
    if (!refusals.length) return;
    for (const r of refusals) this.log.info(`Chat: not attached: ${r.name} (${r.reason})`);
    void this.notifier.show('warning', refusalMessage(refusals));
  }

  // ---- removing, sending, putting back ----------------------------------------------------------------

  remove(id: string): void {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.id !== id);
    if (this.items.length !== before) this.changed.fire();
  }

  /** The chips a question takes (those the composer showed); they are held until uploaded. */
  take(ids: readonly string[]): PendingAttachment[] {
    const wanted = new Set(ids);
    const taken = this.items.filter((item) => wanted.has(item.id));
    if (!taken.length) return [];
    this.items = this.items.filter((item) => !wanted.has(item.id));
    for (const item of taken) this.held.set(item.id, item);
    this.changed.fire();
    return taken;
  }

  /** An attachment a question took and has not uploaded yet. */
  heldItem(id: string | undefined): PendingAttachment | undefined {
    return id === undefined ? undefined : this.held.get(id);
  }

  /** The question's files are uploaded: their bytes are not needed any more. */
  release(ids: ReadonlyArray<string | undefined>): void {
    for (const id of ids) if (id !== undefined) this.held.delete(id);
    this.keep(); // their copies can go
  }

  /**
   * A question failed before it was sent: its files come back as chips (as new ones: the turn keeps its own for
   * Retry), with what was uploaded already. Files whose bytes are gone (VS Code restarted) cannot come back.
   * Returns the ids of the chips.
   */
  restore(turnId: string, attachments: readonly StoredAttachment[]): string[] {
    const ids: string[] = [];
    for (const a of attachments) {
      if (this.items.length >= MAX_ATTACHMENTS) break;
      const held = this.heldItem(a.id);
      const fileId = a.fileId ?? held?.fileId;
      if (!held?.source && !fileId) continue;
      const item: PendingAttachment = { id: newId(), name: a.name, bytes: a.bytes, kind: a.type, fromTurn: turnId };
      if (held?.source) item.source = held.source;
      if (fileId) item.fileId = fileId;
      this.items.push(item);
      ids.push(item.id);
    }
    if (ids.length) this.changed.fire();
    return ids;
  }

  /** The turn is asked again with its own files: the chips it put back go. */
  dropRestored(turnId: string): void {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.fromTurn !== turnId);
    if (this.items.length !== before) this.changed.fire();
  }

  /** The bytes to upload, read now; checked again, since a file on disk may have changed since it was attached. */
  async read(item: PendingAttachment): Promise<Uint8Array> {
    const source = item.source;
    if (!source) throw new AttachmentReadError(vscode.l10n.t('{0} is no longer available: attach it again.', item.name));
    if (source.kind === 'data') return source.data;
    let data: Uint8Array;
    try {
      data = await vscode.workspace.fs.readFile(source.uri);
    } catch (err) {
      throw new AttachmentReadError(vscode.l10n.t('{0} could not be read: {1}', item.name, errorText(err)));
    }
    const refusal = checkAttachment({ name: item.name, bytes: data.byteLength }, 0, this.limits);
    if (refusal) throw new AttachmentReadError(refusalMessage([refusal]));
    return data;
  }
}

/** A chip as the webview shows it: the size as "120 KB". */
export function attachmentView(name: string, bytes: number, kind: AttachmentKind): AttachmentView {
  return { name, bytes, size: formatBytes(bytes), kind };
}

/** What a turn keeps of an attachment it took: never the bytes. */
export function storedAttachment(item: PendingAttachment): StoredAttachment {
  const stored: StoredAttachment = { id: item.id, name: item.name, bytes: item.bytes, type: item.kind };
  if (item.fileId) stored.fileId = item.fileId;
  return stored;
}

/** Every refusal of one attach, in one message; the files over the count are named together. */
export function refusalMessage(refusals: readonly Refusal[]): string {
  const lines: string[] = [];
  const overCount = refusals.filter((r) => r.reason === 'tooMany').map((r) => r.name);
  for (const r of refusals) {
    switch (r.reason) {
      case 'folder':
        lines.push(vscode.l10n.t('{0} is a folder: only files can be attached.', r.name));
        break;
      case 'empty':
        lines.push(vscode.l10n.t('{0} is empty: Coze does not accept empty files.', r.name));
        break;
      case 'tooLarge':
        lines.push(vscode.l10n.t('{0} is too large ({1}): Coze accepts files up to {2}.', r.name, formatBytes(r.bytes), formatBytes(r.maxBytes)));
        break;
      case 'notImage':
        lines.push(vscode.l10n.t('{0} is not an image Coze can read (PNG, JPEG, GIF, WebP, BMP, TIFF, HEIC).', r.name));
        break;
      case 'unreadable':
        lines.push(vscode.l10n.t('{0} could not be read: {1}', r.name, r.detail));
        break;
      case 'tooMany':
        break;
    }
  }
  if (overCount.length) {
    lines.push(vscode.l10n.t('At most {0} files can go with one question; not attached: {1}.', MAX_ATTACHMENTS, overCount.join(', ')));
  }
  return lines.join(' ');
}

interface ActiveFile {
  uri: vscode.Uri;
  name: string;
  /** When it is a text editor's: its text may differ from the disk. */
  document?: vscode.TextDocument;
}

function activeFile(): ActiveFile | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document) return { uri: document.uri, name: cleanFileName(uriBaseName(document.uri), 'file'), document };
  // An image preview, a notebook, a hex editor…: a tab with a file of its own.
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputNotebook) {
    return { uri: input.uri, name: cleanFileName(uriBaseName(input.uri), 'file') };
  }
  return undefined;
}

function uriBaseName(uri: vscode.Uri): string {
  const path = uri.path.replace(/\/+$/, '');
  return path.slice(path.lastIndexOf('/') + 1);
}

function errorText(err: unknown): string {
  if (err instanceof vscode.FileSystemError) return err.code === 'FileNotFound' ? vscode.l10n.t('the file does not exist') : err.message;
  return err instanceof Error ? err.message : String(err);
}

function newId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 20);
}
