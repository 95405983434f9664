import * as vscode from 'vscode';
import { Disposable, disposeAll } from '../dispose';
import type { Log } from '../log';
import type { Notifier } from '../notifier';
import { MAX_ATTACHMENT_DATA_BYTES, parseChatViewMessage, type ChatViewStrings, type ChatViewToHost, type HostToChatView } from '../protocol';
import { buildWebviewHtml, openLinkFromWebview, UPDATE_INTERVAL_MS, webviewOptions } from '../webviewHtml';
import type { ChatProgressEvent, ChatService } from './chatService';
import { HistorySearcher, searchHitView } from './historySearch';

// The chat's webview view in the Coze activity-bar container. It renders what ChatService holds and sends back
// what the user does, as protocol messages the extension validates. VS Code may dispose the webview whenever
// the view is hidden (no retainContextWhenHidden: a hidden chat costs no memory); the page then asks for the
// state again ('ready') when it comes back, so nothing is lost.
//
// Traffic: the whole state on structural changes; while an answer streams, only the new text, coalesced to at
// most one message per UPDATE_INTERVAL_MS.

export const CHAT_VIEW_ID = 'askCoze.chat';

export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  /** Text waiting for the view to load, for its input (Ask Coze in Chat). */
  private readonly pendingInput: string[] = [];
  private pendingHistory: boolean | undefined;
  private pendingFocus = false;
  /** A turn to show (a hit of Coze: Search Chat History), for when the view is ready. */
  private pendingReveal: { conversationId: string; turnId: string; query?: string } | undefined;
  /** The history's search box: one search at a time, its hits posted as they are found (src/chat/historySearch.ts). */
  private readonly searcher = new HistorySearcher(() => this.service.historyFiles());
  /** The answer text of each turn as the view has it, to send only what is new. */
  private readonly viewAnswers = new Map<string, string>();
  /** The same for each turn's reasoning ('' when it has none). */
  private readonly viewReasoning = new Map<string, string>();
  private readonly dirtyTurns = new Map<string, ChatProgressEvent>();
  private progressTimer: NodeJS.Timeout | undefined;
  private stateQueued = false;
  /** Listeners of the current webview view (VS Code may replace it). */
  private readonly viewDisposables: vscode.Disposable[] = [];
  /** Apply on a code block of turn `turnId`'s answer (src/apply/; set by extension.ts). */
  applyCode: ((code: string, turnId: string) => Promise<unknown>) | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: ChatService,
    private readonly strings: () => ChatViewStrings,
    private readonly notifier: Notifier,
    private readonly log: Log,
  ) {
    super();
    this.register(vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, this));
    this.register(service.onDidChange(() => this.queueState()));
    this.register(service.onDidProgress((e) => this.queueProgress(e)));
    // A question that could not go out comes back into the input, after whatever was typed since.
    this.register(service.onDidReturnInput((text) => void this.insertInput(text)));
    this.register({
      dispose: () => {
        if (this.progressTimer) clearTimeout(this.progressTimer);
        disposeAll(this.viewDisposables);
      },
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    disposeAll(this.viewDisposables);
    this.view = view;
    this.ready = false;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = this.renderHtml(view.webview);
    this.viewDisposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidChangeVisibility(() => {
        // A hidden view's page is gone; it says 'ready' again when it is back.
        if (!view.visible) this.ready = false;
        else void this.service.refreshHistory();
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.ready = false;
        }
      }),
    );
  }

  /** The page as VS Code received it (tests check it never contains the token). */
  get html(): string | undefined {
    return this.view?.webview.html;
  }

  /** Shows the chat view and puts `text` into its input. */
  async insertInput(text: string): Promise<void> {
    this.pendingInput.push(text);
    await this.reveal();
    this.flushPending();
  }

  /** Shows the chat view with the caret in its input. */
  async focusInput(): Promise<void> {
    this.pendingFocus = true;
    await this.reveal();
    this.flushPending();
  }

  async showHistory(show = true): Promise<void> {
    // Another window may have changed the history; an unreadable file is told now (src/chat/historyNotices.ts).
    if (show) void this.service.refreshHistory();
    this.pendingHistory = show;
    await this.reveal();
    this.flushPending();
  }

  /** Shows the chat view at a turn of the open conversation (a search hit: `query` is marked in it). */
  async revealTurn(conversationId: string, turnId: string, query?: string): Promise<void> {
    this.pendingReveal = { conversationId, turnId, query };
    await this.reveal();
    this.flushPending();
  }

  async reveal(): Promise<void> {
    if (this.view) this.view.show(false);
    else await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  private flushPending(): void {
    if (!this.ready) return;
    for (const text of this.pendingInput.splice(0)) this.post({ type: 'insertInput', text });
    if (this.pendingHistory !== undefined) this.post({ type: 'showHistory', show: this.pendingHistory });
    this.pendingHistory = undefined;
    if (this.pendingFocus) this.post({ type: 'focusInput' });
    this.pendingFocus = false;
    if (this.pendingReveal) this.post({ type: 'revealTurn', ...this.pendingReveal });
    this.pendingReveal = undefined;
  }

  /** Search `searchId` of the view's search box: its hits as they are found, then the end (unless a newer one replaced it). */
  private async search(query: string, searchId: number): Promise<void> {
    const outcome = await this.searcher.search(query, (hits) => this.post({ type: 'searchResults', searchId, hits: hits.map(searchHitView), done: false }));
    if (outcome.status !== 'canceled' && query.trim()) this.post({ type: 'searchResults', searchId, hits: [], done: true, limited: outcome.status === 'limit' });
  }

  private renderHtml(webview: vscode.Webview): string {
    return buildWebviewHtml({
      webview,
      extensionUri: this.extensionUri,
      title: 'Coze',
      script: 'webview/chat.js',
      style: 'chat.css',
      lang: vscode.env.language,
      // Strings only: the state comes as a message once the page says 'ready', so a page that VS Code
      // re-creates from this same HTML never shows stale state.
      data: { strings: this.strings(), maxAttachmentBytes: MAX_ATTACHMENT_DATA_BYTES },
    });
  }

  // ---- host → view ---------------------------------------------------------------------------------------

  private post(message: HostToChatView): void {
    if (!this.view || !this.ready) return;
    void this.view.webview.postMessage(message);
  }

  private queueState(): void {
    if (this.stateQueued) return;
    this.stateQueued = true;
    // Several changes in one tick (a turn ends, history saved) go out as one message.
    setImmediate(() => {
      this.stateQueued = false;
      this.sendState();
    });
  }

  private sendState(): void {
    if (!this.view || !this.ready) return;
    const state = this.service.viewState();
    this.dirtyTurns.clear();
    this.viewAnswers.clear();
    this.viewReasoning.clear();
    for (const turn of state.turns) {
      this.viewAnswers.set(turn.id, turn.answer);
      this.viewReasoning.set(turn.id, turn.reasoning ?? '');
    }
    this.post({ type: 'state', state });
  }

  private queueProgress(event: ChatProgressEvent): void {
    if (event.conversationId !== this.service.currentConversation.id) return;
    this.dirtyTurns.set(event.turn.id, event);
    this.progressTimer ??= setTimeout(() => this.flushProgress(), UPDATE_INTERVAL_MS);
  }

  private flushProgress(): void {
    this.progressTimer = undefined;
    if (!this.ready) return; // the full state follows 'ready'
    for (const { conversationId, turn } of this.dirtyTurns.values()) {
      if (conversationId !== this.service.currentConversation.id) continue;
      const shown = this.viewAnswers.get(turn.id);
      const reasoning = turn.reasoning ?? '';
      const shownReasoning = this.viewReasoning.get(turn.id) ?? '';
      if (shown === undefined || !turn.answer.startsWith(shown) || !reasoning.startsWith(shownReasoning)) {
        // Not an extension of what the view has (several answers interleaving, or a turn it does not know).
        this.sendState();
        return;
      }
      const view = this.service.turnView(turn);
      this.viewAnswers.set(turn.id, turn.answer);
      const progress: Extract<HostToChatView, { type: 'progress' }> = { type: 'progress', turnId: turn.id, offset: shown.length, append: turn.answer.slice(shown.length), status: view.status, statusText: view.statusText };
      if (reasoning.length > shownReasoning.length) {
        // The reasoning streams like the answer: only what the view does not have yet.
        this.viewReasoning.set(turn.id, reasoning);
        progress.reasoningOffset = shownReasoning.length;
        progress.reasoningAppend = reasoning.slice(shownReasoning.length);
      }
      if (view.reasoningMs !== undefined) progress.reasoningMs = view.reasoningMs;
      this.post(progress);
    }
    this.dirtyTurns.clear();
  }

  // ---- view → host ---------------------------------------------------------------------------------------

  /** Everything the webview sends arrives here and is validated before anything acts on it. */
  receive(raw: unknown): void {
    const message = parseChatViewMessage(raw);
    if (!message) {
      this.log.warn('Ignored a malformed message from the chat view.');
      return;
    }
    void this.handle(message).catch((err: unknown) => this.log.error(`Chat: ${message.type} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  }

  private async handle(message: ChatViewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // The chips kept across a reload are listed in the first state, so the page keeps their thumbnails.
        await Promise.all([this.service.whenLoaded(), this.service.attachments.whenRestored()]);
        this.sendState();
        this.flushPending();
        return;
      case 'send':
        return this.service.send(message.text, message.attachmentIds);
      case 'stop':
        return this.service.stop();
      case 'retry':
        return this.service.retry(message.turnId);
      case 'newChat':
        return this.service.newChat();
      case 'openConversation':
        await this.service.open(message.id);
        return;
      case 'renameConversation':
        return this.service.rename(message.id, message.title);
      case 'deleteConversation':
        return this.service.delete(message.id);
      case 'selectBot':
        return this.service.selectBot(message.botId);
      case 'openBotPicker':
        await vscode.commands.executeCommand('askCoze.selectBot');
        return;
      case 'fixAction':
        return this.service.fixAction(message.action);
      case 'copy':
        return vscode.env.clipboard.writeText(message.text);
      case 'insertCode':
        await this.insertCode(message.code);
        return;
      case 'applyCode':
        await this.applyCode?.(message.code, message.turnId);
        return;
      case 'openLink':
        await openLinkFromWebview(message.href, this.log, 'the chat view');
        return;
      case 'attach':
        if (message.source === 'activeFile') await this.service.attachments.addActiveFile();
        else await this.service.attachments.pick();
        return;
      case 'attachData':
        this.service.attachments.addData(message.id, message.name, message.mime, message.data);
        return;
      case 'attachUris':
        await this.service.attachments.addDroppedUris(message.uris);
        return;
      case 'attachRefused':
        return this.service.attachments.refusedByView(message.name, message.bytes, message.reason);
      case 'removeAttachment':
        return this.service.attachments.remove(message.id);
      case 'searchHistory':
        return this.search(message.query, message.searchId);
      case 'exportConversation':
        await vscode.commands.executeCommand('askCoze.exportConversation', { conversationId: message.id });
        return;
    }
  }

  /** Replaces the selection(s) of the editor last used with the code, and focuses that editor. */
  private async insertCode(code: string): Promise<boolean> {
    const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
    if (!editor) {
      void this.notifier.show('info', vscode.l10n.t('Open a file in an editor to insert the code there.'));
      return false;
    }
    const done = await editor.edit((edit) => {
      for (const selection of editor.selections) edit.replace(selection, code);
    });
    if (!done) {
      void this.notifier.show('warning', vscode.l10n.t('The code could not be inserted: the editor is read-only.'));
      return false;
    }
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    return true;
  }
}
