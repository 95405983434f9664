import * as vscode from 'vscode';
import type { KeyStore } from '../keyStore';
import type { Log } from '../log';
import { apiHost, readSettings, type AskCozeSettings } from '../settings';
import { describeSettingsProblem, type UserFacingError } from './errorMessages';

export type Readiness =
  | { ok: true; settings: AskCozeSettings; token: string }
  | { ok: false; settings: AskCozeSettings; reason: 'invalid-settings' | 'no-key'; problem: UserFacingError };

/** Settings usable and a key stored for the API host: what a question needs before a call is spent on it. */
export async function checkReadyToAsk(keys: KeyStore, log: Log): Promise<Readiness> {
  const settings = readSettings();
  const problem = describeSettingsProblem(settings);
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
