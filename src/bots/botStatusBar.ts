import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { isValidBotId, readSettings } from '../settings';
import type { BotNameSource } from './botNames';
import { oneLine } from './botNaming';

// The current bot in the status bar: "$(hubot) Code Helper", its id in the tooltip, a click runs Select Bot.
// One item, on the right, at a low priority, shown while the extension is active (that is, once Coze has been
// used in this window); it has an id and a name, so VS Code's own status bar menu can hide it for good.

/** The item's id: VS Code's DOM id is `ask-coze.ask-coze.askCoze.bot` (the browser tests find it by it). */
export const BOT_STATUS_ID = 'askCoze.bot';

export class BotStatusBar extends Disposable {
  readonly item: vscode.StatusBarItem;

  constructor(private readonly names: BotNameSource) {
    super();
    // Low priority on the right: after the editor's own items (language, line/column), never pushing them aside.
    this.item = this.register(vscode.window.createStatusBarItem(BOT_STATUS_ID, vscode.StatusBarAlignment.Right, 10));
    this.item.name = vscode.l10n.t('Coze Bot');
    this.item.command = { command: 'askCoze.selectBot', title: vscode.l10n.t('Select Bot') };
    this.register(names.onDidChange(() => this.update()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('askCoze.botId') || e.affectsConfiguration('askCoze.bots')) this.update();
      }),
    );
    this.update();
    this.item.show();
  }

  private update(): void {
    const botId = readSettings().botId;
    if (!isValidBotId(botId)) {
      // The setting cannot work; the item says so and its click is the fix.
      this.item.text = `$(hubot) ${vscode.l10n.t('Select a Coze bot')}`;
      this.item.tooltip = vscode.l10n.t('askCoze.botId is not a bot id. Click to select a bot.');
      this.item.accessibilityInformation = { label: vscode.l10n.t('No Coze bot selected. Select Bot'), role: 'button' };
      return;
    }
    const name = this.names.resolve(botId);
    this.item.text = `$(hubot) ${oneLine(name, 28)}`;
    this.item.tooltip = [vscode.l10n.t('Coze bot: {0}', name), vscode.l10n.t('Bot id: {0}', botId), '', vscode.l10n.t('Click to select another bot.')].join('\n');
    this.item.accessibilityInformation = { label: vscode.l10n.t('Coze bot: {0}. Select Bot', name), role: 'button' };
  }
}
