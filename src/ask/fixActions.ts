import * as vscode from 'vscode';
import type { KeyStore } from '../keyStore';
import type { Log } from '../log';
import { apiHost, REGION_BASE_URLS, type AskCozeSettings } from '../settings';
import type { FixAction } from './fixActionList';

// What each fix does, and its button label. The same for every surface: a notification button (answer panel)
// and a button under a failed chat turn run exactly this.

export function actionLabel(action: FixAction, settings: AskCozeSettings): string {
  switch (action) {
    case 'setKey':
      return vscode.l10n.t('Set API Key');
    case 'switchRegion':
      return settings.region === 'com' ? vscode.l10n.t('Switch to api.coze.cn') : vscode.l10n.t('Switch to api.coze.com');
    case 'openSettings':
      return vscode.l10n.t('Open Settings');
    case 'openProxySettings':
      return vscode.l10n.t('Proxy Settings');
    case 'retry':
      return vscode.l10n.t('Retry');
    case 'openLog':
      return vscode.l10n.t('Open Log');
  }
}

export interface FixDeps {
  keys: KeyStore;
  log: Log;
}

/** Runs the fix the user picked; `retry` asks again once the fix can have helped (a key set, a region switched). */
export async function runFixAction(action: FixAction, settings: AskCozeSettings, deps: FixDeps, retry: () => void): Promise<void> {
  switch (action) {
    case 'setKey':
      if (await vscode.commands.executeCommand<boolean>('askCoze.setApiKey')) retry();
      break;
    case 'switchRegion':
      await switchRegion(settings, deps);
      retry();
      break;
    case 'openSettings':
      await openExtensionSettings();
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

export function openExtensionSettings(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', '@ext:ask-coze.ask-coze');
}

/**
 * A token works only in the region that issued it (4100/4101). Switching moves the user to the other region;
 * the key entered for this region goes along only when that region has none yet, since the likely story is
 * "I pasted my coze.com key while cn was selected".
 */
async function switchRegion(settings: AskCozeSettings, deps: FixDeps): Promise<void> {
  const target = settings.region === 'com' ? 'cn' : 'com';
  const from = settings.baseUrl!;
  const to = REGION_BASE_URLS[target];
  const key = await deps.keys.get(from);
  if (key && !(await deps.keys.get(to))) await deps.keys.set(to, key);
  await vscode.workspace.getConfiguration('askCoze').update('region', target, vscode.ConfigurationTarget.Global);
  deps.log.info(`Switched region to ${target} (${apiHost(to)}).`);
}
