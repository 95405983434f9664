import * as vscode from 'vscode';
import type { ApplySource } from '../apply/applySource';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import {
  parseAnswerViewMessage,
  // Pure, so that the unit tests check it without a VS Code host.
  restoreAnswerViewState as restoreState,
  type AnswerViewState,
  type AnswerViewStrings,
  type ChatFixAction,
  type HostToAnswerView,
} from '../protocol';
import { buildWebviewHtml, openLinkFromWebview, UPDATE_INTERVAL_MS, webviewOptions } from '../webviewHtml';

// The answer panel (Manager / View split, as in VS Code's markdown preview): AnswerPanelManager owns the
// panels and restores them after a window reload; AnswerPanel owns one webview and renders state pushed to it.

export const ANSWER_VIEW_TYPE = 'askCoze.answer';

export interface AnswerPanelHandlers {
  askFollowUp(panel: AnswerPanel, question: string): void;
  retry(panel: AnswerPanel): void;
  /** "Continue in chat": the panel's question, answer and conversation move to the chat view. */
  continueInChat(panel: AnswerPanel): void;
  /** The bot's name to show (src/bots/botNames.ts); `stored` is the one the state has. */
  botName?(botId: string, stored?: string): string;
  /** Apply on a code block of the answer (src/apply/). */
  applyCode?(panel: AnswerPanel, code: string): void;
  /** A fix shown under the panel's failure (Set API Key under a rejected key). */
  fix?(panel: AnswerPanel, action: ChatFixAction): void;
}

export class AnswerPanel extends Disposable {
  private state: AnswerViewState;
  /** Streaming updates are coalesced: at most one message per UPDATE_INTERVAL_MS, always ending on the latest. */
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private readonly closed = this.register(new vscode.EventEmitter<void>());
  readonly onDidClose = this.closed.event;
  /**
   * The selection the question was asked about, recorded when it was asked, so that Apply replaces it. In
   * memory only: a panel restored after a reload applies to the editor's selection instead.
   */
  applySource: ApplySource | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly strings: AnswerViewStrings,
    private readonly handlers: AnswerPanelHandlers,
    private readonly log: Log,
    initial: AnswerViewState,
  ) {
    super();
    this.state = this.named(initial);
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'coze.svg');
    // A workflow run's question is its parameters: the workflow's name says more.
    panel.title = AnswerPanel.titleFor(initial.workflow?.name ?? initial.question);
    panel.webview.html = this.renderHtml();
    this.register(panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  static titleFor(question: string): string {
    const oneLine = question.replace(/\s+/g, ' ').trim();
    return `Coze: ${oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine}`;
  }

  override get isDisposed(): boolean {
    return super.isDisposed;
  }

  get currentState(): AnswerViewState {
    return this.state;
  }

  update(state: AnswerViewState): void {
    if (this.isDisposed) return;
    this.state = this.named(state);
    const final = state.phase !== 'waiting' && state.phase !== 'streaming';
    if (final) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), UPDATE_INTERVAL_MS);
  }

  /** The state with its bot's name as known now: the panel shows the name, never a bare id. */
  private named(state: AnswerViewState): AnswerViewState {
    const name = state.botId ? this.handlers.botName?.(state.botId, state.botName) : undefined;
    return name && name !== state.botName ? { ...state, botName: name } : state;
  }

  reveal(): void {
    if (!this.isDisposed) this.panel.reveal(this.panel.viewColumn, false);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready || this.isDisposed) return; // 'ready' will send the latest state
    const message: HostToAnswerView = { type: 'state', state: this.state };
    void this.panel.webview.postMessage(message);
  }

  private renderHtml(): string {
    return buildWebviewHtml({
      webview: this.panel.webview,
      extensionUri: this.extensionUri,
      title: this.panel.title,
      script: 'webview/answer.js',
      style: 'answer.css',
      lang: vscode.env.language,
      data: { state: this.state, strings: this.strings },
    });
  }

  /** Everything the webview sends arrives here and is validated before anything acts on it. */
  receive(raw: unknown): void {
    const message = parseAnswerViewMessage(raw);
    if (!message) {
      this.log.warn('Ignored a malformed message from the answer panel.');
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.flush();
        break;
      case 'openLink':
        void openLinkFromWebview(message.href, this.log, 'the answer panel');
        break;
      case 'copy':
        void vscode.env.clipboard.writeText(message.text);
        break;
      case 'askFollowUp':
        this.handlers.askFollowUp(this, message.question);
        break;
      case 'retry':
        this.handlers.retry(this);
        break;
      case 'continueInChat':
        // Only a finished answer moves to the chat.
        if (this.state.phase !== 'waiting' && this.state.phase !== 'streaming') this.handlers.continueInChat(this);
        break;
      case 'applyCode':
        this.handlers.applyCode?.(this, message.code);
        break;
      case 'fixAction':
        // Only a fix the failure shown offers: the webview renders untrusted output and may not ask for others.
        if (this.state.phase === 'failed' && this.state.error?.actions?.some((a) => a.action === message.action)) this.handlers.fix?.(this, message.action);
        break;
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed.fire();
    super.dispose();
    this.panel.dispose();
  }
}

export class AnswerPanelManager extends Disposable implements vscode.WebviewPanelSerializer<AnswerViewState> {
  private readonly panels = new Set<AnswerPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly strings: () => AnswerViewStrings,
    private readonly log: Log,
    /** What the panels' buttons do; panels restored at start-up get them too. */
    private readonly handlers: AnswerPanelHandlers,
  ) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(ANSWER_VIEW_TYPE, this));
    this.register({ dispose: () => [...this.panels].forEach((panel) => panel.dispose()) });
  }

  open(initial: AnswerViewState): AnswerPanel {
    const panel = vscode.window.createWebviewPanel(
      ANSWER_VIEW_TYPE,
      AnswerPanel.titleFor(initial.workflow?.name ?? initial.question),
      // New answers join the column of the previous ones instead of splitting the editor again and again.
      { viewColumn: this.latest()?.panel.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus: true },
      { enableFindWidget: true, retainContextWhenHidden: false },
    );
    return this.track(new AnswerPanel(panel, this.extensionUri, this.strings(), this.handlers, this.log, initial));
  }

  /** Restores a panel after a window reload from the state its webview saved. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: AnswerViewState | undefined): Promise<void> {
    const state = restoreState(saved);
    if (!state) {
      panel.dispose();
      return;
    }
    this.track(new AnswerPanel(panel, this.extensionUri, this.strings(), this.handlers, this.log, state));
  }

  /** Shows the bots' names as known now in every panel (a name became known, askCoze.bots changed). */
  refreshBotNames(): void {
    for (const panel of this.panels) panel.update(panel.currentState);
  }

  /** The panels open now, oldest first. */
  all(): readonly AnswerPanel[] {
    return [...this.panels];
  }

  /** The most recently opened panel that is still open (for tests and "Continue in chat"). */
  latest(): AnswerPanel | undefined {
    return [...this.panels].pop();
  }

  private track(panel: AnswerPanel): AnswerPanel {
    this.panels.add(panel);
    panel.onDidClose(() => this.panels.delete(panel));
    return panel;
  }
}
