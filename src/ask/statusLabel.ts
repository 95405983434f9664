import * as vscode from 'vscode';
import type { ChatStatus } from '../coze';

/** The words for a Coze chat's status while an answer is awaited ("Thinking · 3 s"). */
export function statusLabel(status: ChatStatus): string {
  switch (status) {
    case 'created':
      return vscode.l10n.t('Starting');
    case 'in_progress':
      return vscode.l10n.t('Thinking');
    case 'completed':
      return vscode.l10n.t('Completed');
    case 'failed':
      return vscode.l10n.t('Failed');
    case 'requires_action':
      return vscode.l10n.t('Waiting for a tool');
    case 'canceled':
      return vscode.l10n.t('Canceled');
  }
}

/** "Thinking · 3 s". */
export function statusLine(status: ChatStatus, elapsedMs: number): string {
  return vscode.l10n.t('{0} · {1} s', statusLabel(status), Math.round(elapsedMs / 1000));
}
