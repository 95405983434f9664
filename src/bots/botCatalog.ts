import * as vscode from 'vscode';
import type { CozeBot, CozeClient, CozeError, CozeWorkspace } from '../coze';
import type { AskPipeline, ReadyToCall } from '../ask/askPipeline';
import { describeCozeError, type UserFacingError } from '../ask/errorMessages';
import { apiHost, type AskCozeSettings } from '../settings';

// Coze's bot catalogue for Select Bot and for bot names: the workspaces the key sees, the bots published to the
// API channel in one, and one bot looked up by id (docs/coze-api.md#beyond-chat). The same checks as a question
// (settings, key: src/ask/readiness.ts), the same shared client (one pool, one rate limiter: ClientProvider),
// and every failure classified into the same user-facing messages and fixes as a failed question
// (describeCozeError), with a wording of its own where a listing failure means something else than for a chat.

export type Ready = ReadyToCall;

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

export class BotCatalog {
  constructor(private readonly pipeline: AskPipeline) {}

  /** Settings usable and a key stored; askCoze.botId need not be valid (picking a bot is how it gets fixed). */
  async ready(): Promise<ReadyOutcome> {
    const ready = await this.pipeline.checkReady({ needsBot: false });
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
    const result = await this.pipeline.callClient(
      ready,
      {
        source: 'Select Bot',
        what: `reading the ${what}`,
        describe: (error, settings) =>
          typeof kind === 'string' ? describeListingError(error, settings, kind) : describeCozeError(error, { ...settings, botId: kind.lookup }),
      },
      work,
    );
    switch (result.status) {
      case 'done':
        return { ok: true, value: result.value, settings: result.settings };
      case 'canceled':
        return { ok: false, canceled: true, settings: result.settings, error: { severity: 'info', message: '', actions: [] } };
      case 'failed':
        return { ok: false, canceled: false, settings: result.settings, error: result.error };
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
