import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import type { StoredConversation } from './chatModel';
import type { UnreadableHistoryFile } from './chatStore';

// What the user is told about the chat history on disk, rather than letting a conversation vanish quietly
// (docs/history.md): a file that could not be read (set aside by the ChatStore as *.corrupt), and a conversation
// open here that another window deleted (its saves are refused). Each once.

/** Files set aside within this long of each other are told in one notification (load() reads them in a row). */
const BATCH_MS = 200;

export class HistoryNotices {
  private readonly told = new Set<string>();
  private batch: UnreadableHistoryFile[] = [];
  private batchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly notifier: Notifier,
    private readonly log: Log,
  ) {}

  /** A history file was set aside as unreadable: the user hears where it is, once per file. */
  readonly unreadable = (file: UnreadableHistoryFile): void => {
    if (this.told.has(file.setAside)) return;
    this.told.add(file.setAside);
    this.batch.push(file);
    this.batchTimer ??= setTimeout(() => void this.tellUnreadable(), BATCH_MS);
  };

  private async tellUnreadable(): Promise<void> {
    const files = this.batch;
    this.batch = [];
    this.batchTimer = undefined;
    const first = files[0];
    if (!first) return;
    const message =
      files.length === 1
        ? vscode.l10n.t('A chat history file could not be read, so its conversation is missing from the history. It was set aside as {0}.', first.setAside)
        : vscode.l10n.t(
            '{0} chat history files could not be read, so their conversations are missing from the history. They were set aside in {1}: {2}.',
            files.length,
            path.dirname(first.setAside),
            files.map((f) => path.basename(f.setAside)).join(', '),
          );
    const reveal = revealLabel();
    const openFile = vscode.l10n.t('Open File');
    const chosen = await this.notifier.show('warning', message, reveal ? [reveal, openFile] : [openFile]);
    try {
      if (chosen === reveal) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(first.setAside));
      else if (chosen === openFile) await vscode.window.showTextDocument(vscode.Uri.file(first.setAside), { preview: true });
    } catch (err) {
      this.log.warn(`Chat history: ${first.setAside} could not be shown: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** A conversation open here was deleted in another window: said once; "Keep a Copy" saves it as a new chat. */
  async deletedElsewhere(conversation: StoredConversation, keepCopy: () => Promise<void>): Promise<void> {
    if (this.told.has(`deleted:${conversation.id}`)) return;
    this.told.add(`deleted:${conversation.id}`);
    this.log.info('Chat history: a conversation open here was deleted in another window; it is no longer saved.');
    const keep = vscode.l10n.t('Keep a Copy');
    const title = conversation.title || vscode.l10n.t('New chat');
    const chosen = await this.notifier.show(
      'warning',
      vscode.l10n.t('“{0}” was deleted in another VS Code window, so this window no longer saves it. Keep a copy to save it as a new chat.', title),
      [keep],
    );
    if (chosen === keep) await keepCopy();
  }

  dispose(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
  }
}

/** The OS's own words for showing a file, where the file is on this machine's disk (not in a remote or web window). */
function revealLabel(): string | undefined {
  if (vscode.env.uiKind !== vscode.UIKind.Desktop || vscode.env.remoteName) return undefined;
  if (process.platform === 'win32') return vscode.l10n.t('Reveal in File Explorer');
  if (process.platform === 'darwin') return vscode.l10n.t('Reveal in Finder');
  return vscode.l10n.t('Open Containing Folder');
}
