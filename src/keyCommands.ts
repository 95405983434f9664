import * as vscode from 'vscode';
import { describeSettingsProblem } from './ask/errorMessages';
import { normalizeToken, tokenShape, type KeyStore } from './keyStore';
import type { Log } from './log';
import type { Notifier } from './notifier';
import { apiHost, readSettings } from './settings';

// Coze: Set API Key / Coze: Clear API Key. The key is stored for the API host the settings point at now.
// Neither command returns the key, so no other extension can read it through them.

const CONSOLE_URLS: Record<string, string> = {
  'api.coze.cn': 'https://www.coze.cn/open/oauth/pats',
  'api.coze.com': 'https://www.coze.com/open/oauth/pats',
};

export function registerKeyCommands(keys: KeyStore, notifier: Notifier, log: Log): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('askCoze.setApiKey', async (): Promise<boolean> => {
      const settings = readSettings();
      const problem = describeSettingsProblem(settings);
      if (!settings.baseUrl) {
        void notifier.show('error', problem?.message ?? vscode.l10n.t('Set askCoze.baseUrl first.'));
        return false;
      }
      const host = apiHost(settings.baseUrl);
      const console = CONSOLE_URLS[host];
      const entered = await vscode.window.showInputBox({
        title: vscode.l10n.t('Coze API key for {0}', host),
        prompt: console
          ? vscode.l10n.t('Paste a personal access token (pat_…) created at {0}. It is stored in VS Code\'s secret storage.', console)
          : vscode.l10n.t('Paste the access token for {0}. It is stored in VS Code\'s secret storage.', host),
        placeHolder: 'pat_…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => {
          const token = normalizeToken(value);
          if (!token) return undefined;
          return tokenShape(token) === 'suspicious'
            ? { message: vscode.l10n.t('This does not look like a Coze token (expected pat_ followed by letters and digits).'), severity: vscode.InputBoxValidationSeverity.Warning }
            : undefined;
        },
      });
      if (entered === undefined) return false;
      const token = normalizeToken(entered);
      if (!token) {
        void notifier.show('warning', vscode.l10n.t('No key entered; nothing was saved.'));
        return false;
      }
      await keys.set(settings.baseUrl, token);
      log.addSecret(token);
      log.info(`API key saved for ${host}.`);
      void notifier.show('info', vscode.l10n.t('Coze API key saved for {0}.', host));
      return true;
    }),
    vscode.commands.registerCommand('askCoze.clearApiKey', async (): Promise<boolean> => {
      const settings = readSettings();
      if (!settings.baseUrl) return false;
      const host = apiHost(settings.baseUrl);
      await keys.delete(settings.baseUrl);
      log.info(`API key removed for ${host}.`);
      void notifier.show('info', vscode.l10n.t('Coze API key removed for {0}.', host));
      return true;
    }),
  ];
}
