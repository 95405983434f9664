import * as vscode from 'vscode';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import type { AskCozeSettings } from '../settings';
import { openExtensionSettings } from './fixActions';

/**
 * Out-of-range settings were clamped (readSettings): logs each note and tells the user once per distinct set,
 * not on every question, whichever surface asks. One per extension instance (it lives in the pipeline).
 */
export class AdjustmentReporter {
  private lastReported = '';

  constructor(
    private readonly notifier: Notifier,
    private readonly log: Log,
  ) {}

  report(settings: AskCozeSettings): void {
    const key = settings.adjustments.join('\n');
    if (key === this.lastReported) return;
    this.lastReported = key;
    if (!key) return;
    for (const note of settings.adjustments) this.log.warn(note);
    const open = vscode.l10n.t('Open Settings');
    void this.notifier
      .show('warning', vscode.l10n.t('Some Ask Coze settings are out of range and were adjusted: {0}', settings.adjustments.join('; ')), [open])
      .then((choice) => {
        if (choice === open) void openExtensionSettings();
      });
  }
}
