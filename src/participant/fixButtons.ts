import * as vscode from 'vscode';
import type { AskPipeline } from '../ask/askPipeline';
import { openExtensionSettings } from '../ask/fixActions';
import type { FixAction } from '../ask/fixActionList';
import { readSettings, type AskCozeSettings } from '../settings';

// A failure's fixes as buttons under an @coze answer. A button in VS Code's Chat runs a command, so each fix is
// one: the existing commands where there are (Set API Key, Show Log, VS Code's settings), and one internal
// command for the region switch, registered without a contribution so that it stays out of the Command Palette.
// Retry is not offered: VS Code's Chat sends a request again itself (edit or resend it), and the button could
// not put the answer where the failed one stands.

export const SWITCH_REGION_COMMAND = 'askCoze.switchRegion';

/** The command a fix's button runs; undefined for the fixes the Chat view does itself (retry). */
export function fixCommand(action: FixAction, pipeline: AskPipeline, settings: AskCozeSettings): vscode.Command | undefined {
  const title = pipeline.label(action, settings);
  switch (action) {
    case 'setKey':
      return { command: 'askCoze.setApiKey', title };
    case 'openLog':
      return { command: 'askCoze.showLog', title };
    case 'openSettings':
      return { command: 'workbench.action.openSettings', title, arguments: ['@ext:ask-coze.ask-coze'] };
    case 'openProxySettings':
      return { command: 'workbench.action.openSettings', title, arguments: ['http.proxy'] };
    case 'switchRegion':
      return { command: SWITCH_REGION_COMMAND, title };
    case 'retry':
      return undefined;
  }
}

/** The internal command behind the region button: the same switch as every other surface's (src/ask/fixActions.ts). */
export function registerFixCommands(pipeline: AskPipeline): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(SWITCH_REGION_COMMAND, async (): Promise<void> => {
      // The settings of now, not of the failure: the button may be pressed long after, with another region chosen.
      const settings = readSettings();
      if (settings.region !== 'cn' && settings.region !== 'com') await openExtensionSettings();
      else await pipeline.fix('switchRegion', settings, () => undefined);
    }),
  ];
}
