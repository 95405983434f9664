import * as vscode from 'vscode';
import type { CozeBot, CozeClient, CozeError, CozeWorkspace } from '../coze';
import { describeCozeError, type UserFacingError } from '../ask/errorMessages';
import { checkReadyToAsk } from '../ask/readiness';
import type { ClientProvider } from '../clientProvider';
import { loadCoze } from '../cozeLoader';
import type { KeyStore } from '../keyStore';
import type { Log } from '../log';
import { apiHost, DEFAULT_BOT_ID, isValidBotId, type AskCozeSettings } from '../settings';

// Coze's bot catalogue for Select Bot and for bot names: the workspaces the key sees, the bots published to the
// API channel in one, and one bot looked up by id (docs/coze-api.md#beyond-chat). The same checks as a question
// (settings, key: src/ask/readiness.ts), the same shared client (one pool, one rate limiter: ClientProvider),
// and every failure classified into the same user-facing messages and fixes as a failed question
// (describeCozeError), with a wording of its own where a listing failure means something else than for a chat.

export type Ready = { settings: AskCozeSettings; token: string };

export type CatalogOutcome<T> =
  | { ok: true; value: T; settings: AskCozeSettings }
  | {
      ok: false;
      /** The caller aborted (the picker was closed): nothing to show. */
      canceled: boolean;
      error: UserFacingError;
      settings: AskCozeSettings;
      /** Nothing was sent: no key, or settings that cannot work. */
      notReady?: 'no-key' | 'invalid-settings';
    };

export type ReadyOutcome = { ok: true; ready: Ready } | { ok: false; settings: AskCozeSettings; reason: 'no-key' | 'invalid-settings'; error: UserFacingError };

export interface BotCatalogDeps {
  keys: KeyStore;
  clients: ClientProvider;
  log: Log;
  /** The installation's Coze user id (ClientProvider keys its client by it, like the ask pipeline). */
  userId: string;
}

export class BotCatalog {
  constructor(private readonly deps: BotCatalogDeps) {}

  /** Settings usable and a key stored; askCoze.botId need not be valid (picking a bot is how it gets fixed). */
  async ready(): Promise<ReadyOutcome> {
    const ready = await checkReadyToAsk(this.deps.keys, this.deps.log, { needsBot: false });
    if (!ready.ok) return { ok: false, settings: ready.settings, reason: ready.reason, error: ready.problem };
    return { ok: true, ready: { settings: ready.settings, token: ready.token } };
  }

  workspaces(ready: Ready, signal?: AbortSignal): Promise<CatalogOutcome<CozeWorkspace[]>> {
    return this.call(ready, 'workspaces', 'workspaces', (client) => client.listWorkspaces({ signal }));
  }

  bots(ready: Ready, workspaceId: string, signal?: AbortSignal): Promise<CatalogOutcome<CozeBot[]>> {
    return this.call(ready, 'bots', `bots of workspace ${workspaceId}`, (client) => client.listBots({ workspaceId, signal }));
  }

  bot(ready: Ready, botId: string, signal?: AbortSignal): Promise<CatalogOutcome<CozeBot>> {
    return this.call(ready, { lookup: botId }, `bot ${botId}`, (client) => client.getBot(botId, { signal }));
  }

  private async call<T>(
    ready: Ready,
    kind: 'workspaces' | 'bots' | { lookup: string },
    what: string,
    work: (client: CozeClient) => Promise<T>,
  ): Promise<CatalogOutcome<T>> {
    const { settings, token } = ready;
    const { log, clients, userId } = this.deps;
    // The client checks askCoze.botId when it is built, though these calls do not use it: an unusable value must
    // not keep the user from picking a bot, and the client is keyed without the bot anyway.
    const clientSettings = isValidBotId(settings.botId) ? settings : { ...settings, botId: DEFAULT_BOT_ID };
    try {
      const value = await clients.use(clientSettings, token, userId, work);
      log.info(`Select Bot: read the ${what} from ${apiHost(settings.baseUrl!)}.`);
      return { ok: true, value, settings };
    } catch (err) {
      const { isCozeError } = loadCoze();
      if (!isCozeError(err)) {
        log.error(`Select Bot: reading the ${what} failed unexpectedly: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return {
          ok: false,
          canceled: false,
          settings,
          error: { severity: 'error', message: vscode.l10n.t('Ask Coze failed unexpectedly. See the log for details.'), actions: ['retry', 'openLog'] },
        };
      }
      const error = err as CozeError;
      if (error.kind === 'canceled') return { ok: false, canceled: true, settings, error: describeCozeError(error, settings) };
      log.warn(`Select Bot: reading the ${what} failed: ${error.message}`);
      const described = typeof kind === 'string' ? describeListingError(error, settings, kind) : describeCozeError(error, { ...settings, botId: kind.lookup });
      return { ok: false, canceled: false, settings, error: described };
    }
  }
}

/**
 * A failed listing, in the words of listing: a 4101 here means the key may not list bots (the listBot
 * permission), not that it may not talk to a bot; a 404 / 4200 means the server has no such list. Other
 * failures (network, timeouts, a bad key) read exactly as for a question.
 */
export function describeListingError(error: CozeError, settings: AskCozeSettings, list: 'workspaces' | 'bots'): UserFacingError {
  const described = describeCozeError(error, settings);
  const host = settings.baseUrl ? apiHost(settings.baseUrl) : '';
  let message: string | undefined;
  if (error.kind === 'api' && error.code === 4101) {
    message =
      list === 'bots'
        ? vscode.l10n.t('Your API key may not list the bots on {0}: it lacks the listBot permission, or it belongs to the other region.', host)
        : vscode.l10n.t('Your API key may not list the workspaces on {0}: it lacks that permission, or it belongs to the other region.', host);
  } else if ((error.kind === 'api' && error.code === 4200) || error.httpStatus === 404) {
    message = vscode.l10n.t('{0} offers no list of bots.', host);
  }
  return message ? { ...described, message: withFacts(message, described.code, described.logId) } : described;
}

/** Coze's code and logid after the message, as every error of the extension carries them (support asks for the logid). */
function withFacts(message: string, code: number | undefined, logId: string | undefined): string {
  const facts: string[] = [];
  if (code !== undefined) facts.push(vscode.l10n.t('code {0}', code));
  if (logId) facts.push(vscode.l10n.t('logid {0}', logId));
  return facts.length ? `${message} (${facts.join(', ')})` : message;
}
