import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { Log } from '../log';
import { checkAttachment, type AttachmentLimits } from './attachments';
import { refusalMessage, type AttachmentKeeper, type KeptCopy, type PendingAttachment, type RestoredAttachments } from './pendingAttachments';
import { COPY_FILE_PATTERN, copyExpired, keepsCopy, parseSavedList, savedList, type SavedAttachment } from './savedAttachments';

// Keeps the composer's attachments across a window reload or a restart (the rules: src/chat/savedAttachments.ts):
// the chips in workspaceState, pasted bytes as copies in a folder of the extension's storage. Writes go one after
// the other, so a later state never loses to an earlier one; a copy is deleted once no chip and no question
// waiting for its upload refers to it. Only names and sizes reach the log.

const STATE_KEY = 'askCoze.chat.pendingAttachments';

export interface KeptAttachmentsDeps {
  workspaceState: vscode.Memento;
  /** Where copies of pasted bytes go. */
  folder: vscode.Uri;
  /**
   * The folder is this window's alone (its workspace's storageUri), so any file of it that this window does not
   * name is left over. Otherwise (an empty window: the shared globalStorageUri) only old ones are.
   */
  ownFolder: boolean;
  log: Log;
  now?: () => number;
}

export class KeptAttachments implements AttachmentKeeper {
  private queue: Promise<unknown> = Promise.resolve();
  /** The copies this window wrote or got back: the only ones it deletes when they are no longer needed. */
  private readonly owned = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: KeptAttachmentsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The folder of the copies of pasted bytes. */
  get folder(): vscode.Uri {
    return this.deps.folder;
  }

  /** Resolves once every write asked for so far is done. */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  save(items: readonly PendingAttachment[], held: readonly PendingAttachment[]): void {
    const chips = [...items];
    const waiting = [...held];
    this.enqueue(() => this.write(chips, waiting));
  }

  restore(limits: AttachmentLimits): Promise<RestoredAttachments> {
    return this.enqueue(() => this.read(limits));
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job);
    this.queue = run.catch((err: unknown) => this.deps.log.warn(`Chat: the attachments could not be kept: ${errorText(err)}`));
    return run;
  }

  private async write(items: readonly PendingAttachment[], held: readonly PendingAttachment[]): Promise<void> {
    let copiesBytes = 0;
    for (const item of [...items, ...held]) if (item.source?.kind === 'data' && item.source.copy) copiesBytes += item.bytes;
    const saved: SavedAttachment[] = [];
    for (const item of items) {
      const base = { id: item.id, name: item.name, bytes: item.bytes, kind: item.kind };
      const { source } = item;
      // Coze has it: the bytes are not needed again.
      if (item.fileId) saved.push({ ...base, fileId: item.fileId });
      else if (source?.kind === 'uri') saved.push({ ...base, source: { kind: 'uri', uri: source.uri.toString() } });
      else if (source?.kind === 'data') {
        if (!source.copy && keepsCopy(item.bytes, copiesBytes)) {
          source.copy = await this.writeCopy(item.name, source.data);
          if (source.copy) copiesBytes += item.bytes;
        }
        saved.push({ ...base, source: source.copy ? { kind: 'copy', ...source.copy } : { kind: 'notKept' } });
      }
    }
    await this.deps.workspaceState.update(STATE_KEY, saved.length ? savedList(saved) : undefined);
    const needed = new Set([...items, ...held].flatMap((item) => (item.source?.kind === 'data' && item.source.copy ? [item.source.copy.file] : [])));
    for (const file of [...this.owned]) {
      if (needed.has(file)) continue;
      this.owned.delete(file);
      await this.deleteCopy(file);
    }
  }

  private async writeCopy(name: string, data: Uint8Array): Promise<KeptCopy | undefined> {
    const file = `${randomUUID().replace(/-/g, '')}.bin`;
    try {
      await vscode.workspace.fs.createDirectory(this.deps.folder);
      await vscode.workspace.fs.writeFile(this.copyUri(file), data);
    } catch (err) {
      this.deps.log.warn(`Chat: ${name} cannot be kept across a reload: ${errorText(err)}`);
      return undefined;
    }
    this.owned.add(file);
    return { file, savedAt: this.now() };
  }

  private async read(limits: AttachmentLimits): Promise<RestoredAttachments> {
    const saved = parseSavedList(this.deps.workspaceState.get(STATE_KEY));
    const items: PendingAttachment[] = [];
    const dropped: string[] = [];
    this.owned.clear();
    for (const s of saved) if (s.source?.kind === 'copy') this.owned.add(s.source.file);
    for (const s of saved) {
      const base: PendingAttachment = { id: s.id, name: s.name, bytes: s.bytes, kind: s.kind };
      const { source } = s;
      if (s.fileId) {
        items.push({ ...base, fileId: s.fileId });
        continue;
      }
      if (source?.kind === 'uri') {
        const outcome = await this.checkFile(s, source.uri, items.length, limits);
        if (typeof outcome === 'string') dropped.push(outcome);
        else items.push({ ...base, bytes: outcome.bytes, source: { kind: 'uri', uri: outcome.uri } });
      } else if (source?.kind === 'copy') {
        const data = copyExpired(source.savedAt, this.now()) ? undefined : await this.readCopy(source.file);
        if (data?.byteLength === s.bytes) items.push({ ...base, source: { kind: 'data', data, copy: { file: source.file, savedAt: source.savedAt } } });
        else dropped.push(notKept(s.name));
      } else {
        dropped.push(notKept(s.name));
      }
    }
    const back = new Set(items.flatMap((item) => (item.source?.kind === 'data' && item.source.copy ? [item.source.copy.file] : [])));
    await this.sweep(back);
    if (saved.length) this.deps.log.info(`Chat: ${items.length} of ${saved.length} attachments are back after a reload${dropped.length ? `; not: ${saved.filter((s) => !items.some((i) => i.id === s.id)).map((s) => s.name).join(', ')}` : ''}.`);
    return { items, dropped };
  }

  /** A file from disk as it is now: its URI and size, or why it cannot come back (a sentence for the user). */
  private async checkFile(s: SavedAttachment, raw: string, pending: number, limits: AttachmentLimits): Promise<{ uri: vscode.Uri; bytes: number } | string> {
    let uri: vscode.Uri;
    let stat: vscode.FileStat;
    try {
      uri = vscode.Uri.parse(raw, true);
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      return vscode.l10n.t('{0} was attached to the next question but no longer exists: it was removed.', s.name);
    }
    const isDirectory = (stat.type & vscode.FileType.Directory) !== 0;
    const refusal = checkAttachment({ name: s.name, bytes: stat.size, isDirectory }, pending, limits);
    if (refusal) return `${refusalMessage([refusal])} ${vscode.l10n.t('It was removed from the next question.')}`;
    return { uri, bytes: stat.size };
  }

  private async readCopy(file: string): Promise<Uint8Array | undefined> {
    try {
      return await vscode.workspace.fs.readFile(this.copyUri(file));
    } catch {
      return undefined;
    }
  }

  /** Deletes the copies no chip came back with: this window's, and left-over ones (see `ownFolder`). */
  private async sweep(back: ReadonlySet<string>): Promise<void> {
    let entries: Array<[string, vscode.FileType]>;
    try {
      // stat first: VS Code logs a stack for readDirectory of a folder that does not exist.
      await vscode.workspace.fs.stat(this.deps.folder);
      entries = await vscode.workspace.fs.readDirectory(this.deps.folder);
    } catch {
      return; // no copies yet
    }
    for (const [file, type] of entries) {
      if (type !== vscode.FileType.File || !COPY_FILE_PATTERN.test(file) || back.has(file)) continue;
      if (this.owned.has(file) || this.deps.ownFolder || (await this.isOld(file))) {
        this.owned.delete(file);
        await this.deleteCopy(file);
      }
    }
  }

  private async isOld(file: string): Promise<boolean> {
    try {
      return copyExpired((await vscode.workspace.fs.stat(this.copyUri(file))).mtime, this.now());
    } catch {
      return false;
    }
  }

  private async deleteCopy(file: string): Promise<void> {
    try {
      await vscode.workspace.fs.delete(this.copyUri(file));
    } catch {
      // Gone already.
    }
  }

  private copyUri(file: string): vscode.Uri {
    return vscode.Uri.joinPath(this.deps.folder, file);
  }
}

function notKept(name: string): string {
  return vscode.l10n.t('{0} was pasted before VS Code reloaded and could not be kept: paste it again.', name);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
