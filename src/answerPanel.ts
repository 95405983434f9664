import * as vscode from 'vscode';
import { isAllowedExternalLink, parseAnswerViewMessage, type AnswerViewState, type AnswerViewStrings, type HostToAnswerView } from './protocol';
import { buildWebviewHtml } from './webviewHtml';
import type { Log } from './log';

// The answer panel (Manager / View split, as in VS Code's markdown preview): AnswerPanelManager owns the
// panels and restores them after a window reload; AnswerPanel owns one webview and renders state pushed to it.

export const ANSWER_VIEW_TYPE = 'askCoze.answer';

export interface AnswerPanelHandlers {
  askFollowUp(panel: AnswerPanel, question: string): void;
  retry(panel: AnswerPanel): void;
  /** "Continue in chat": the panel's question, answer and conversation move to the chat view. */
  continueInChat?(panel: AnswerPanel): void;
}

/** Coalesces streaming updates: at most one message per frame-ish interval, always ending on the latest state. */
const UPDATE_INTERVAL_MS = 40;

export class AnswerPanel implements vscode.Disposable {
  private state: AnswerViewState;
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly strings: AnswerViewStrings,
    private readonly handlers: AnswerPanelHandlers,
    private readonly log: Log,
    initial: AnswerViewState,
  ) {
    this.state = initial;
    panel.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'coze.svg');
    panel.title = AnswerPanel.titleFor(initial.question);
    panel.webview.html = this.renderHtml();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  static titleFor(question: string): string {
    const oneLine = question.replace(/\s+/g, ' ').trim();
    return `Coze: ${oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine}`;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  get currentState(): AnswerViewState {
    return this.state;
  }

  /** The page as VS Code received it (tests check it never contains the token). */
  get webviewHtml(): string {
    return this.panel.webview.html;
  }

  update(state: AnswerViewState): void {
    if (this.disposed) return;
    this.state = state;
    const final = state.phase !== 'waiting' && state.phase !== 'streaming';
    if (final) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), UPDATE_INTERVAL_MS);
  }

  reveal(): void {
    if (!this.disposed) this.panel.reveal(this.panel.viewColumn, false);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ready || this.disposed) return; // 'ready' will send the latest state
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
        if (isAllowedExternalLink(message.href)) void vscode.env.openExternal(vscode.Uri.parse(message.href, true));
        else this.log.warn(`Blocked a link with a disallowed scheme from the answer panel.`);
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
        this.handlers.continueInChat?.(this);
        break;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed.fire();
    this.closed.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

export class AnswerPanelManager implements vscode.Disposable, vscode.WebviewPanelSerializer<AnswerViewState> {
  private readonly panels = new Set<AnswerPanel>();
  private readonly registration: vscode.Disposable;
  handlers: AnswerPanelHandlers = { askFollowUp: () => undefined, retry: () => undefined };
  // Panels restored at start-up exist before the handlers are set, so they call through this indirection.
  private readonly delegate: AnswerPanelHandlers = {
    askFollowUp: (panel, question) => this.handlers.askFollowUp(panel, question),
    retry: (panel) => this.handlers.retry(panel),
    continueInChat: (panel) => {
      if (panel.currentState.phase === 'waiting' || panel.currentState.phase === 'streaming') return; // not finished yet
      void this.onContinueInChat?.(panel.currentState);
    },
  };
  /** Set by the wiring: adopts an answer into the chat. */
  onContinueInChat: ((state: AnswerViewState) => Promise<void> | void) | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly strings: () => AnswerViewStrings,
    private readonly log: Log,
  ) {
    this.registration = vscode.window.registerWebviewPanelSerializer(ANSWER_VIEW_TYPE, this);
  }

  open(initial: AnswerViewState): AnswerPanel {
    const panel = vscode.window.createWebviewPanel(
      ANSWER_VIEW_TYPE,
      AnswerPanel.titleFor(initial.question),
      // New answers join the column of the previous ones instead of splitting the editor again and again.
      { viewColumn: this.latest()?.panel.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus: true },
      { enableFindWidget: true, retainContextWhenHidden: false },
    );
    return this.track(new AnswerPanel(panel, this.extensionUri, this.strings(), this.delegate, this.log, initial));
  }

  /** Restores a panel after a window reload from the state its webview saved. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: AnswerViewState | undefined): Promise<void> {
    const state = restoreState(saved);
    if (!state) {
      panel.dispose();
      return;
    }
    this.track(new AnswerPanel(panel, this.extensionUri, this.strings(), this.delegate, this.log, state));
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

  dispose(): void {
    this.registration.dispose();
    for (const panel of [...this.panels]) panel.dispose();
  }
}

/** Saved webview state is data from the webview: take only well-formed fields. */
function restoreState(saved: unknown): AnswerViewState | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const s = saved as Partial<AnswerViewState>;
  if (typeof s.question !== 'string' || typeof s.text !== 'string') return undefined;
  const interrupted = s.phase === 'waiting' || s.phase === 'streaming';
  return {
    question: s.question,
    text: s.text,
    phase: interrupted ? 'canceled' : s.phase === 'failed' || s.phase === 'canceled' ? s.phase : 'done',
    followUps: Array.isArray(s.followUps) ? s.followUps.filter((f): f is string => typeof f === 'string').slice(0, 10) : [],
    botId: typeof s.botId === 'string' ? s.botId : '',
    error: s.error && typeof s.error.message === 'string' ? { message: s.error.message, code: typeof s.error.code === 'number' ? s.error.code : undefined, logId: typeof s.error.logId === 'string' ? s.error.logId : undefined } : undefined,
    usage: s.usage && typeof s.usage.tokenCount === 'number' ? s.usage : undefined,
    elapsedMs: typeof s.elapsedMs === 'number' ? s.elapsedMs : undefined,
  };
}
