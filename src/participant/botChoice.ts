import type { ChatBot } from '../chat/chatModel';
import { isCozeId } from '../ids';

// `/bot <name or id>` in VS Code's Chat: which bot the user means. Pure, unit-tested.

/**
 * The bot `/bot <wanted>` names: one of the chat's bots (askCoze.bots and askCoze.botId) by its id or its name
 * (case and spacing aside), else any bot id typed as digits (a bot not in the list, named by Coze later).
 */
export function findBot(bots: readonly ChatBot[], wanted: string): ChatBot | undefined {
  const typed = wanted.replace(/\s+/g, ' ').trim();
  if (!typed) return undefined;
  const byId = bots.find((b) => b.id === typed);
  if (byId) return byId;
  const folded = typed.toLocaleLowerCase();
  const byName = bots.find((b) => b.name.replace(/\s+/g, ' ').trim().toLocaleLowerCase() === folded);
  if (byName) return byName;
  return isCozeId(typed) ? { id: typed, name: '' } : undefined;
}

/** Text shown inside VS Code's Markdown as typed: a bot's name may hold `*`, `_`, brackets or backticks. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
}
