import type { AnswerPanelManager } from './answerPanel';
import type { KeyStore } from './keyStore';
import type { Log } from './log';
import type { ShownMessage } from './notifier';
import type { Notifier } from './notifier';
import type { AnswerViewState } from './protocol';
import { readSettings } from './settings';

// Returned from activate() only in ExtensionMode.Test, so that the in-host suite can set a key without
// typing into an input box and can read what the UI showed. Never available to other extensions in normal use.

export interface AskCozeTestingApi {
  setToken(token: string): Promise<void>;
  clearToken(): Promise<void>;
  latestPanel(): { title: string; state: AnswerViewState; html: string; visible: boolean } | undefined;
  /** Feeds a message to the latest answer panel as if its webview had sent it. */
  sendFromPanel(message: unknown): void;
  notifications(): readonly ShownMessage[];
  logLines(): readonly string[];
}

export function createTestingApi(deps: { keys: KeyStore; panels: AnswerPanelManager; notifier: Notifier; log: Log }): AskCozeTestingApi {
  const baseUrl = () => {
    const url = readSettings().baseUrl;
    if (!url) throw new Error('askCoze.baseUrl is not usable');
    return url;
  };
  return {
    setToken: (token) => deps.keys.set(baseUrl(), token),
    clearToken: () => deps.keys.delete(baseUrl()),
    latestPanel: () => {
      const panel = deps.panels.latest();
      return panel && { title: panel.panel.title, state: panel.currentState, html: panel.webviewHtml, visible: panel.panel.visible };
    },
    sendFromPanel: (message) => deps.panels.latest()?.receive(message),
    notifications: () => deps.notifier.recent(),
    logLines: () => deps.log.recentLines(),
  };
}
