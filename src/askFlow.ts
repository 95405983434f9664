import * as vscode from 'vscode';
import type { ChatStatus } from './coze';
import { describeSettingsProblem, type FixAction, type UserFacingError } from './errorMessages';
import type { KeyStore } from './keyStore';
import type { Log } from './log';
import type { Notifier } from './notifier';
import { looksBinary, MAX_QUESTION_CHARS } from './questionChecks';
import { apiHost, readSettings, REGION_BASE_URLS, type AskCozeSettings } from './settings';

// The steps every way of asking shares (Ask Coze's panel and the chat): checking the question, the settings
// and the key before a call is spent, the words for a chat's status, and running the fix a user picks from a
// failure. Each caller only decides where the result is shown (a notification, a chat turn).

export function statusLabel(status: ChatStatus): string {
  switch (status) {
    case 'created':
      return vscode.l10n.t('Starting');
    case 'in_progress':
      return vscode.l10n.t('Thinking');
    case 'completed':
      return vscode.l10n.t('Completed');
    case 'failed':
      return vscode.l10n.t('Failed');
    case 'requires_action':
      return vscode.l10n.t('Waiting for a tool');
    case 'canceled':
      return vscode.l10n.t('Canceled');
  }
}

/**
 * The question as it will be sent, or undefined when the user declined: at most MAX_QUESTION_CHARS (the user
 * is asked before it is cut) and not binary-looking (asked too). Empty questions never cost a call.
 */
export async function confirmQuestion(question: string, notifier: Notifier): Promise<string | undefined> {
  let text = question.trim();
  if (!text) return undefined;
  if (text.length > MAX_QUESTION_CHARS) {
    const send = vscode.l10n.t('Send the first {0} characters', MAX_QUESTION_CHARS.toLocaleString());
    const choice = await notifier.show(
      'warning',
      vscode.l10n.t('The question is {0} characters long; Ask Coze sends at most {1}.', text.length.toLocaleString(), MAX_QUESTION_CHARS.toLocaleString()),
      [send],
    );
    if (choice !== send) return undefined;
    text = text.slice(0, MAX_QUESTION_CHARS);
  }
  if (looksBinary(text)) {
    const send = vscode.l10n.t('Send Anyway');
    const choice = await notifier.show('warning', vscode.l10n.t('The selection looks like binary data, which a bot cannot read. Send it anyway?'), [send]);
    if (choice !== send) return undefined;
  }
  return text;
}

export type Readiness =
  | { ok: true; settings: AskCozeSettings; token: string }
  | { ok: false; settings: AskCozeSettings; reason: 'invalid-settings' | 'no-key'; problem: UserFacingError };

/** Settings usable and a key stored for the API host: what a question needs before it is sent. */
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

/** Runs the fix the user picked; `retry` asks again once the fix can have helped (a key set, a region switched). */
export async function runFixAction(
  action: FixAction,
  settings: AskCozeSettings,
  deps: { keys: KeyStore; log: Log },
  retry: () => void,
): Promise<void> {
  switch (action) {
    case 'setKey':
      if (await vscode.commands.executeCommand<boolean>('askCoze.setApiKey')) retry();
      break;
    case 'switchRegion':
      await switchRegion(settings, deps);
      retry();
      break;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:ask-coze.ask-coze');
      break;
    case 'openProxySettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'http.proxy');
      break;
    case 'retry':
      retry();
      break;
    case 'openLog':
      deps.log.show();
      break;
  }
}

/**
 * A token works only in the region that issued it (4100/4101). Switching moves the user to the other region;
 * the key entered for this region goes along only when that region has none yet, since the likely story is
 * "I pasted my coze.com key while cn was selected".
 */
export async function switchRegion(settings: AskCozeSettings, deps: { keys: KeyStore; log: Log }): Promise<void> {
  const target = settings.region === 'com' ? 'cn' : 'com';
  const from = settings.baseUrl!;
  const to = REGION_BASE_URLS[target];
  const key = await deps.keys.get(from);
  if (key && !(await deps.keys.get(to))) await deps.keys.set(to, key);
  await vscode.workspace.getConfiguration('askCoze').update('region', target, vscode.ConfigurationTarget.Global);
  deps.log.info(`Switched region to ${target} (${apiHost(to)}).`);
}

let lastAdjustments = '';

/**
 * Out-of-range settings were clamped (readSettings): log each note and tell the user once per distinct set,
 * not on every question, whichever way they ask.
 */
export function reportAdjustments(settings: AskCozeSettings, notifier: Notifier, log: Log): void {
  const key = settings.adjustments.join('\n');
  if (key === lastAdjustments) return;
  lastAdjustments = key;
  if (!key) return;
  for (const note of settings.adjustments) log.warn(note);
  const open = vscode.l10n.t('Open Settings');
  void notifier
    .show('warning', vscode.l10n.t('Some Ask Coze settings are out of range and were adjusted: {0}', settings.adjustments.join('; ')), [open])
    .then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:ask-coze.ask-coze');
    });
}
