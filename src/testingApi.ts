import * as vscode from 'vscode';
import { ANSWER_VIEW_TYPE, type AnswerPanelManager } from './answerPanel/answerPanel';
import type { BotNames } from './bots/botNames';
import type { BotStatusBar } from './bots/botStatusBar';
import type { ChatService } from './chat/chatService';
import type { ChatStore } from './chat/chatStore';
import type { ChatViewProvider } from './chat/chatView';
import type { KeyStore } from './keyStore';
import type { ShownMessage } from './notifier';
import type { ParticipantTestingApi } from './participant/registerChatSurfaces';
import type { ShownQuickInput } from './shownQuickInput';
import type { WalkthroughFacts, WalkthroughProgress } from './walkthrough/walkthroughProgress';
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
  /** Restores an answer panel from what its webview saved, the way VS Code does after a window reload. */
  restorePanel(saved: unknown): Promise<void>;
  notifications(): readonly ShownMessage[];
  logLines(): readonly string[];
  chat: ChatTestingApi;
  /** The picker or input box Ask Coze shows now (Run Workflow's), if any. */
  quickInput(): QuickInputSnapshot | undefined;
  /** Sets the value of the input box (or picker) shown now, as typing would; accept it with workbench.action.acceptSelectedQuickOpenItem. */
  setQuickInputValue(value: string): void;
  /**
   * Makes the first row of the picker shown now whose label contains `label` its active row, as the arrow keys
   * would, and resolves once that has reached the workbench: workbench.action.acceptSelectedQuickOpenItem then
   * picks it. Rejects when no row matches.
   */
  activateQuickPickItem(label: string): Promise<void>;
  /**
   * Answers the next notification whose message matches with its button `action`, in place of a click (buttons
   * of a notification cannot be pressed through the API). The notification is still recorded.
   */
  answerNotification(match: RegExp, action: string): void;
  /**
   * Answers the next save dialog with `uri` (undefined: as if canceled), in place of the user (the dialog cannot be
   * driven through the API). The dialog's options are still recorded.
   */
  answerSaveDialog(uri: vscode.Uri | undefined): void;
  /** The save dialogs asked for, oldest first (their default file and title). */
  saveDialogs(): ReadonlyArray<{ defaultUri?: string; title?: string }>;
  bots: BotsTestingApi;
  /** @coze and #askCoze (src/participant/): what was registered, and the handlers VS Code calls. */
  participant: ParticipantTestingApi;
  walkthrough: WalkthroughTestingApi;
  /** The value Ask Coze last gave the askCoze.asking context key (Coze: Stop Answer's enablement). */
  asking(): boolean;
}

export interface WalkthroughTestingApi {
  /** The walkthrough's steps as its context keys say now, once every pending change has been applied. */
  facts(): Promise<WalkthroughFacts>;
  /** Forgets the picks and the first answer kept in globalState, as for a new user. */
  forget(): Promise<void>;
}

export interface BotsTestingApi {
  /** The bot status bar item as shown. */
  statusBar(): { text: string; tooltip: string; command: string | undefined; label: string | undefined };
  /** The name Ask Coze shows for a bot now. */
  name(botId: string): string;
  /** Background lookups of askCoze.botId's name are off under the tests until turned on. */
  setBackgroundLookups(on: boolean): Promise<void>;
  /** Forgets the cached names and this session's lookups. */
  forgetNames(): Promise<void>;
}

export interface QuickInputSnapshot {
  /** Changes with every box shown. */
  id: number;
  kind: 'input' | 'pick';
  title: string | undefined;
  prompt?: string;
  value: string;
  validationMessage?: string;
  /** A picker's item labels. */
  items?: string[];
  /** A picker's item descriptions, in the order of `items` ('' for none). */
  descriptions?: string[];
  /** A picker's item details, in the order of `items` ('' for none). */
  details?: string[];
  placeholder?: string;
  busy?: boolean;
  /** An input box's validation message is a warning (Enter still accepts) rather than an error. */
  validationWarning?: boolean;
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
  /** Questions given back to the chat input because they could not go out (an upload failed), oldest first. */
  returnedInputs(): readonly string[];
  /**
   * Forgets the composer's attachments held in memory and takes back the kept ones, as the extension does when
   * it starts after a window reload (src/chat/keptAttachments.ts). Resolves once they are back.
   */
  reloadAttachments(): Promise<void>;
  /** The folder where copies of pasted attachments are kept across a reload. */
  keptAttachmentsDir(): string;
}

/**
 * Keeps what the user was told and what was logged, for the in-host tests only: built (and handed to the
 * Notifier and the Log as their observers) only when the extension runs under a test runner.
 */
export class TestRecorder {
  private readonly shown: ShownMessage[] = [];
  private readonly lines: string[] = [];

  /** Answers a test scripted for notifications still to come (answerNotification). */
  private readonly answers: Array<{ match: RegExp; action: string }> = [];

  /** Records the message; returns the button a test chose for it, if one did (the Notifier then shows nothing). */
  readonly onShown = (message: ShownMessage): string | undefined => {
    this.shown.push(message);
    if (this.shown.length > 50) this.shown.shift();
    const index = this.answers.findIndex((a) => a.match.test(message.message) && message.actions.includes(a.action));
    return index < 0 ? undefined : this.answers.splice(index, 1)[0]!.action;
  };

  answerNext(match: RegExp, action: string): void {
    this.answers.push({ match, action });
  }

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

  private shownQuickInput: ShownQuickInput | undefined;

  readonly onQuickInput = (shown: ShownQuickInput, open: boolean): void => {
    if (open) this.shownQuickInput = shown;
    else if (this.shownQuickInput?.id === shown.id) this.shownQuickInput = undefined;
  };

  quickInput(): ShownQuickInput | undefined {
    return this.shownQuickInput;
  }

  private readonly saveAnswers: Array<vscode.Uri | undefined> = [];
  readonly saveDialogsShown: Array<{ defaultUri?: string; title?: string }> = [];

  answerSaveDialog(uri: vscode.Uri | undefined): void {
    this.saveAnswers.push(uri);
  }

  /** The save dialog: recorded, and answered by the test when it scripted an answer (else shown). */
  readonly showSaveDialog = (options: vscode.SaveDialogOptions): Thenable<vscode.Uri | undefined> => {
    this.saveDialogsShown.push({ defaultUri: options.defaultUri?.toString(), title: options.title });
    return this.saveAnswers.length ? Promise.resolve(this.saveAnswers.shift()) : vscode.window.showSaveDialog(options);
  };
}

interface ChatDeps {
  service: ChatService;
  view: ChatViewProvider;
  store: ChatStore;
  keptAttachmentsDir: string;
}

export function createTestingApi(deps: {
  keys: KeyStore;
  panels: AnswerPanelManager;
  asking: () => boolean;
  recorder: TestRecorder;
  chat: ChatDeps;
  bots: { names: BotNames; status: BotStatusBar };
  participant: ParticipantTestingApi;
  walkthrough: WalkthroughProgress;
}): AskCozeTestingApi {
  const returnedInputs: string[] = [];
  deps.chat.service.onDidReturnInput((text) => returnedInputs.push(text));
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
    restorePanel: (saved) => {
      const panel = vscode.window.createWebviewPanel(ANSWER_VIEW_TYPE, 'Coze', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      return deps.panels.deserializeWebviewPanel(panel, saved as AnswerViewState);
    },
    notifications: () => deps.recorder.notifications(),
    logLines: () => deps.recorder.logLines(),
    asking: () => deps.asking(),
    quickInput: () => {
      const shown = deps.recorder.quickInput();
      if (!shown) return undefined;
      const { box } = shown;
      const base = { id: shown.id, title: box.title, value: box.value, placeholder: box.placeholder, busy: box.busy };
      if (shown.kind === 'pick') {
        return {
          ...base,
          kind: 'pick',
          items: shown.box.items.map((i) => i.label),
          descriptions: shown.box.items.map((i) => i.description ?? ''),
          details: shown.box.items.map((i) => i.detail ?? ''),
        };
      }
      const message = shown.box.validationMessage;
      return {
        ...base,
        kind: 'input',
        prompt: shown.box.prompt,
        validationMessage: typeof message === 'string' ? message : message?.message,
        validationWarning: typeof message === 'object' && message.severity === vscode.InputBoxValidationSeverity.Warning,
      };
    },
    activateQuickPickItem: async (label) => {
      const shown = deps.recorder.quickInput();
      if (shown?.kind !== 'pick') throw new Error('no picker is shown');
      const item = shown.box.items.find((i) => i.kind !== vscode.QuickPickItemKind.Separator && i.label.includes(label));
      if (!item) throw new Error(`no row "${label}" in the picker (${shown.box.items.map((i) => i.label).join(' | ')})`);
      shown.box.activeItems = [item];
      // The extension host sends a box's changes to the workbench on its next turn (a zero timeout); a command
      // run before that would act on the old rows. One later timeout orders the accept after the change.
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    answerNotification: (match, action) => deps.recorder.answerNext(match, action),
    answerSaveDialog: (uri) => deps.recorder.answerSaveDialog(uri),
    saveDialogs: () => deps.recorder.saveDialogsShown,
    participant: deps.participant,
    bots: {
      statusBar: () => {
        const { item } = deps.bots.status;
        const command = typeof item.command === 'string' ? item.command : item.command?.command;
        const tooltip = typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
        return { text: item.text, tooltip, command, label: item.accessibilityInformation?.label };
      },
      name: (botId) => deps.bots.names.resolve(botId),
      setBackgroundLookups: (on) => deps.bots.names.setBackgroundLookups(on),
      forgetNames: () => deps.bots.names.forget(),
    },
    walkthrough: {
      facts: async () => {
        await deps.walkthrough.whenSettled();
        return deps.walkthrough.facts;
      },
      forget: () => deps.walkthrough.forget(),
    },
    setQuickInputValue: (value) => {
      const shown = deps.recorder.quickInput();
      // A picker's value too (Coze: Search Chat History searches as it is typed).
      if (!shown) throw new Error('no input box or picker is shown');
      shown.box.value = value;
    },
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
      returnedInputs: () => returnedInputs,
      reloadAttachments: () => deps.chat.service.attachments.reloadFromSaved(),
      keptAttachmentsDir: () => deps.chat.keptAttachmentsDir,
    },
  };
}
