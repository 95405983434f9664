import * as vscode from 'vscode';
import type { AskPipeline } from '../ask/askPipeline';
import type { FixAction } from '../ask/fixActionList';
import type { CozeAttachment } from '../coze';
import { percent } from './attachments';
import type { StoredTurn } from './chatModel';
import { AttachmentReadError, type PendingAttachments } from './pendingAttachments';

// Before a chat question with files goes out, its files are uploaded one after the other, each through the ask
// pipeline (the client's limiter, retries, timeouts; Stop aborts the upload). A file a previous try uploaded
// keeps its Coze id and is not sent again, so a Retry only uploads what is missing. The turn shows
// "Uploading diagram.png · 40 %" meanwhile.

export type TurnUploadOutcome =
  | { status: 'ready'; attachments: CozeAttachment[] }
  | { status: 'canceled' }
  | { status: 'failed'; message: string; actions: FixAction[]; code?: number; logId?: string };

export interface TurnUploadDeps {
  pipeline: Pick<AskPipeline, 'upload'>;
  files: PendingAttachments;
}

export interface TurnUploadEvents {
  /** The turn's status line while a file goes up. */
  status(text: string): void;
  /** A file got its Coze id (the turn is worth saving). */
  uploaded(): void;
}

/** Uploads what the turn's attachments still need; the turn's entries get their Coze ids as they arrive. */
export async function uploadTurnAttachments(turn: StoredTurn, deps: TurnUploadDeps, signal: AbortSignal, events: TurnUploadEvents): Promise<TurnUploadOutcome> {
  const attachments = turn.attachments ?? [];
  for (const attachment of attachments) {
    if (attachment.fileId) continue;
    const held = deps.files.heldItem(attachment.id);
    if (held?.fileId) {
      attachment.fileId = held.fileId;
      continue;
    }
    if (!held) return { status: 'failed', message: vscode.l10n.t('{0} is no longer available: attach it again.', attachment.name), actions: [] };
    events.status(vscode.l10n.t('Uploading {0}…', attachment.name));
    let data: Uint8Array;
    try {
      data = await deps.files.read(held);
    } catch (err) {
      if (err instanceof AttachmentReadError) return { status: 'failed', message: err.message, actions: [] };
      throw err;
    }
    if (signal.aborted) return { status: 'canceled' };
    let shown = -1;
    const result = await deps.pipeline.upload(
      { name: attachment.name, data },
      {
        signal,
        source: 'Chat',
        onProgress: (sent, total) => {
          const pct = percent(sent, total);
          if (pct === shown) return;
          shown = pct;
          events.status(vscode.l10n.t('Uploading {0} · {1} %', attachment.name, pct));
        },
      },
    );
    if (result.status === 'canceled') return result;
    if (result.status === 'failed') {
      const { error } = result;
      const message = `${vscode.l10n.t('{0} could not be uploaded.', attachment.name)} ${error.message}`;
      return { status: 'failed', message, actions: error.actions, code: error.code, logId: error.logId };
    }
    attachment.fileId = result.value.id;
    held.fileId = result.value.id;
    events.uploaded();
  }
  deps.files.release(attachments.map((a) => a.id));
  return { status: 'ready', attachments: attachments.map((a) => ({ type: a.type, fileId: a.fileId! })) };
}
