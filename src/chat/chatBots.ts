import * as vscode from 'vscode';
import { fallbackBotName } from '../bots/botNames';
import { parseBots, type ChatBot } from './chatModel';

// The bots the chat can talk to: `askCoze.bots` (name + id, or name + workflowId for a chatflow, which the
// chat talks to like a bot; switchable from the chat's header), plus
// `askCoze.botId`, Ask Coze's bot and the chat's default, when the list does not name it. The setting's
// schema and parser live in chatModel.ts, which imports no vscode, so that plain-Node unit tests reach them.

export { parseBots, type ChatBot };

/**
 * The chat's bots: the configured list, with the default bot first when it is not in it, under its own name
 * (`nameOf`: src/bots/botNames.ts, "Bot …3968691" while Coze has not told it).
 */
export function readBots(defaultBotId: string, problems: string[] = [], nameOf: (botId: string) => string = fallbackBotName): ChatBot[] {
  const bots = parseBots(vscode.workspace.getConfiguration('askCoze').get<unknown>('bots'), problems);
  if (defaultBotId && !bots.some((b) => b.id === defaultBotId)) {
    bots.unshift({ id: defaultBotId, name: nameOf(defaultBotId) });
  }
  return bots;
}
