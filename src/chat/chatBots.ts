import * as vscode from 'vscode';
import { parseBots, type ChatBot } from './chatModel';

// The bots the chat can talk to: `askCoze.bots` (name + id, switchable from the chat's header), plus
// `askCoze.botId`, Ask Coze's bot and the chat's default, when the list does not name it. The setting's
// schema and parser live in chatModel.ts, which imports no vscode, so that plain-Node unit tests reach them.

export { parseBots, type ChatBot };

/** The chat's bots: the configured list, with the default bot first when it is not in it. */
export function readBots(defaultBotId: string, problems: string[] = []): ChatBot[] {
  const bots = parseBots(vscode.workspace.getConfiguration('askCoze').get<unknown>('bots'), problems);
  if (defaultBotId && !bots.some((b) => b.id === defaultBotId)) {
    bots.unshift({ id: defaultBotId, name: vscode.l10n.t('Default bot') });
  }
  return bots;
}
