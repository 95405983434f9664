import * as vscode from 'vscode';
import type { KeyStore } from '../keyStore';
import type { Log } from '../log';
import { apiHost, DEFAULT_BOT_ID, readSettings, type AskCozeSettings } from '../settings';
import { describeSettingsProblem, type UserFacingError } from './errorMessages';

export type Readiness =
  | { ok: true; settings: AskCozeSettings; token: string }
  | { ok: false; settings: AskCozeSettings; reason: 'invalid-settings' | 'no-key'; problem: UserFacingError };

/**
 * Settings usable and a key stored for the API host: what a question needs before a call is spent on it.
 * `needsBot: false` is for calls that do not talk to askCoze.botId's bot (Select Bot lists and looks up bots):
 * they must work while that setting is unusable, since picking a bot is how it gets fixed.
 */
export async function checkReadyToAsk(keys: KeyStore, log: Log, opts: { needsBot?: boolean } = {}): Promise<Readiness> {
  const settings = readSettings();
  const problem = describeSettingsProblem(opts.needsBot === false ? { ...settings, botId: DEFAULT_BOT_ID } : settings);
  if (problem) return { ok: false, settings, reason: 'invalid-settings', problem };
  const token = await keys.get(settings.baseUrl!);
  if (!token) {
    return {
      ok: false,
      settings,
      reason: 'no-key',
      problem: {
        severity: 'warning',
        message: vscode.l10n.t('No Coze API key is set for {0}. Set one to ask questions.', apiHost(settings.baseUrl!)),
        actions: ['setKey'],
      },
    };
  }
  log.addSecret(token);
  return { ok: true, settings, token };
}
