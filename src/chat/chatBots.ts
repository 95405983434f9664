import * as vscode from 'vscode';
import { isValidBotId } from '../settings';

// The bots the chat can talk to: `askCoze.bots` (name + id, switchable from the chat's header), plus
// `askCoze.botId`, Ask Coze's bot and the chat's default, when the list does not name it.

export interface ChatBot {
  id: string;
  name: string;
}

const MAX_BOTS = 50;
const MAX_NAME = 60;

/** Entries of askCoze.bots as typed in settings.json: anything malformed is skipped (and reported). */
export function parseBots(raw: unknown, problems: string[] = []): ChatBot[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('askCoze.bots must be a list of { "name": "...", "id": "..." }');
    return [];
  }
  const bots: ChatBot[] = [];
  for (const entry of raw) {
    const id = typeof entry?.id === 'string' ? entry.id.trim() : typeof entry?.id === 'number' ? '' : '';
    const name = typeof entry?.name === 'string' ? entry.name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME) : '';
    if (!isValidBotId(id) || !name) {
      problems.push(`askCoze.bots: skipped ${JSON.stringify(entry).slice(0, 120)} (needs a "name" and a numeric "id" string)`);
      continue;
    }
    if (bots.some((b) => b.id === id)) continue;
    bots.push({ id, name });
    if (bots.length === MAX_BOTS) break;
  }
  return bots;
}

/** The chat's bots: the configured list, with the default bot first when it is not in it. */
export function readBots(defaultBotId: string, problems: string[] = []): ChatBot[] {
  const bots = parseBots(vscode.workspace.getConfiguration('askCoze').get<unknown>('bots'), problems);
  if (defaultBotId && !bots.some((b) => b.id === defaultBotId)) {
    bots.unshift({ id: defaultBotId, name: vscode.l10n.t('Default bot') });
  }
  return bots;
}
