import type { AnswerPanelManager } from './answerPanel/answerPanel';
import type { ChatService } from './chat/chatService';
import type { ChatStore } from './chat/chatStore';
import type { ChatViewProvider } from './chat/chatView';
import type { KeyStore } from './keyStore';
import type { ShownMessage } from './notifier';
import type { AnswerViewState, ChatViewState } from './protocol';
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
  chat: ChatTestingApi;
}

export interface ChatTestingApi {
  /** Feeds a message to the chat as if its webview had sent it (validated like any other). */
  send(message: unknown): void;
  /** What the chat view shows (or would show, when it is not open). */
  state(): ChatViewState;
  /** Resolves once no answer is running in any conversation. */
  whenIdle(timeoutMs?: number): Promise<void>;
  /** The folder of the history files. */
  storeDir(): string;
  /** The chat view's HTML, when VS Code has created the view. */
  html(): string | undefined;
  /** Puts text into the chat input, as "Ask Coze in Chat" does. */
  insertInput(text: string): Promise<void>;
}

/**
 * Keeps what the user was told and what was logged, for the in-host tests only: built (and handed to the
 * Notifier and the Log as their observers) only when the extension runs under a test runner.
 */
export class TestRecorder {
  private readonly shown: ShownMessage[] = [];
  private readonly lines: string[] = [];

  readonly onShown = (message: ShownMessage): void => {
    this.shown.push(message);
    if (this.shown.length > 50) this.shown.shift();
  };

  readonly onLine = (line: string): void => {
    this.lines.push(line);
    if (this.lines.length > 1000) this.lines.splice(0, this.lines.length - 1000);
  };

  notifications(): readonly ShownMessage[] {
    return this.shown;
  }

  logLines(): readonly string[] {
    return this.lines;
  }
}

interface ChatDeps {
  service: ChatService;
  view: ChatViewProvider;
  store: ChatStore;
}

export function createTestingApi(deps: { keys: KeyStore; panels: AnswerPanelManager; recorder: TestRecorder; chat: ChatDeps }): AskCozeTestingApi {
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
      return panel && { title: panel.panel.title, state: panel.currentState, html: panel.panel.webview.html, visible: panel.panel.visible };
    },
    sendFromPanel: (message) => deps.panels.latest()?.receive(message),
    notifications: () => deps.recorder.notifications(),
    logLines: () => deps.recorder.logLines(),
    chat: {
      send: (message) => deps.chat.view.receive(message),
      state: () => deps.chat.service.viewState(),
      whenIdle: async (timeoutMs = 30_000) => {
        const deadline = Date.now() + timeoutMs;
        while (deps.chat.service.isBusy()) {
          if (Date.now() > deadline) throw new Error('the chat is still answering');
          await new Promise((r) => setTimeout(r, 25));
        }
      },
      storeDir: () => deps.chat.store.dir,
      html: () => deps.chat.view.html,
      insertInput: (text) => deps.chat.view.insertInput(text),
    },
  };
}
