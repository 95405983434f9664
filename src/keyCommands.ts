import * as vscode from 'vscode';
import { describeSettingsProblem } from './ask/errorMessages';
import { normalizeToken, tokenShape, type KeyStore } from './keyStore';
import type { Log } from './log';
import type { Notifier } from './notifier';
import { apiHost, readSettings } from './settings';
import { nextQuickInputId, type ShownQuickInput } from './shownQuickInput';

// Coze: Set API Key / Coze: Clear API Key. The key is stored for the API host the settings point at now.
// Neither command returns the key, so no other extension can read it through them.

const CONSOLE_URLS: Record<string, string> = {
  'api.coze.cn': 'https://www.coze.cn/open/oauth/pats',
  'api.coze.com': 'https://www.coze.com/open/oauth/pats',
};

/**
 * `observe` (only under the in-host tests) sees the key's input box as it opens and closes, so that a test can
 * type into it and accept it as a user would (src/workflow/prompter.ts does the same for Run Workflow's boxes).
 */
export function registerKeyCommands(keys: KeyStore, notifier: Notifier, log: Log, observe?: (shown: ShownQuickInput, open: boolean) => void): vscode.Disposable[] {
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
      const entered = await askForKey(observe, {
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

interface KeyBoxOptions {
  title: string;
  prompt: string;
  placeHolder: string;
  password: boolean;
  ignoreFocusOut: boolean;
  validateInput(value: string): vscode.InputBoxValidationMessage | undefined;
}

/** showInputBox's box, built with createInputBox so that the test observer can see it: the value, or undefined on Escape. */
function askForKey(observe: ((shown: ShownQuickInput, open: boolean) => void) | undefined, options: KeyBoxOptions): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.prompt = options.prompt;
  box.placeholder = options.placeHolder;
  box.password = options.password;
  box.ignoreFocusOut = options.ignoreFocusOut;
  const shown: ShownQuickInput = { id: nextQuickInputId(), kind: 'input', box };
  const check = (value: string) => (box.validationMessage = options.validateInput(value));
  return new Promise((resolve) => {
    let accepted: string | undefined;
    const subscriptions = [
      box.onDidChangeValue(check),
      box.onDidAccept(() => {
        // A warning does not stop Enter (as with showInputBox); a value set without a change event is checked too.
        check(box.value);
        accepted = box.value;
        box.hide();
      }),
      box.onDidHide(() => {
        for (const s of subscriptions) s.dispose();
        box.dispose();
        observe?.(shown, false);
        resolve(accepted);
      }),
    ];
    box.show();
    observe?.(shown, true);
  });
}
