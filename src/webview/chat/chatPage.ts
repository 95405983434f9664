import type { ChatViewState, ChatViewStrings, ChatViewToHost, HostToChatView } from '../../protocol';
import { openLinksThroughHost, type HostBridge } from '../shared/host';
import { loadedMarkdown, loadMarkdown, prefetchMarkdown } from '../shared/markdownLoader';
import { Announcer } from './announcer';
import { Composer, type ComposerState } from './composer';
import { ChatHeader } from './header';
import { HistoryPanel } from './history';
import { Transcript } from './transcript';

// The chat view's page: puts its parts together and routes what the extension sends to them. The extension is
// the source of truth (on load this page asks for the state with 'ready'); what the user does goes back as the
// typed messages of protocol.ts, which the extension validates. Streamed answer text arrives as 'progress'
// pieces and is rendered incrementally.

export type ChatHost = HostBridge<ChatViewToHost, HostToChatView, ComposerState>;

export class ChatPage {
  private readonly header: ChatHeader;
  private readonly transcript: Transcript;
  private readonly history: HistoryPanel;
  private readonly composer: Composer;
  private readonly announcer: Announcer;

  constructor(
    private readonly app: HTMLElement,
    t: ChatViewStrings,
    private readonly host: ChatHost,
    /** The largest pasted or dropped file the page hands over as bytes (the host says). */
    maxAttachmentBytes: number,
  ) {
    const post = (message: ChatViewToHost) => host.post(message);
    this.header = new ChatHeader(
      t,
      (botId) => post({ type: 'selectBot', botId }),
      () => post({ type: 'openBotPicker' }),
    );
    this.transcript = new Transcript(t, {
      copy: (text) => post({ type: 'copy', text }),
      insert: (code) => post({ type: 'insertCode', code }),
      applyCode: (turnId, code) => post({ type: 'applyCode', code, turnId }),
      retry: (turnId) => post({ type: 'retry', turnId }),
      followUp: (question) => {
        post({ type: 'send', text: question });
        this.composer.focus();
      },
      fix: (action) => post({ type: 'fixAction', action }),
      openConversation: (id) => post({ type: 'openConversation', id }),
    });
    this.composer = new Composer(t, {
      send: (text, attachmentIds) => post(attachmentIds.length ? { type: 'send', text, attachmentIds } : { type: 'send', text }),
      stop: () => post({ type: 'stop' }),
      questions: () => this.transcript.questions,
      saved: host,
      attach: () => post({ type: 'attach', source: 'pick' }),
      attachments: {
        data: (id, name, mime, data) => post({ type: 'attachData', id, name, mime, data }),
        uris: (uris) => post({ type: 'attachUris', uris }),
        refused: (name, bytes, reason) => post({ type: 'attachRefused', name, bytes, reason }),
      },
      removeAttachment: (id) => post({ type: 'removeAttachment', id }),
      maxAttachmentBytes,
    });
    this.announcer = new Announcer(t);
    this.history = new HistoryPanel(t, {
      open: (id, turnId, query) => {
        post({ type: 'openConversation', id });
        this.showHistory(false);
        if (turnId) this.reveal(id, turnId, query);
      },
      rename: (id, title) => post({ type: 'renameConversation', id, title }),
      remove: (id) => post({ type: 'deleteConversation', id }),
      exportConversation: (id) => post({ type: 'exportConversation', id }),
      search: (query, searchId) => post({ type: 'searchHistory', query, searchId }),
      close: () => this.showHistory(false),
    });
  }

  /** Builds the page, listens, and asks the extension for the state. */
  start(): void {
    this.app.append(this.header.element, this.transcript.element, this.history.element, this.composer.element, this.announcer.element);
    this.listen();
    this.composer.restoreDraft();
    this.composer.setBusy(false);
    this.host.post({ type: 'ready' });
    this.composer.focus();
  }

  private listen(): void {
    // Escape stops the answer from anywhere in the view (the history panel handles its own Escape first).
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.composer.busy) {
        event.preventDefault();
        this.host.post({ type: 'stop' });
      } else if (event.key === 'Escape' && this.history.visible) {
        this.showHistory(false);
      }
    });
    openLinksThroughHost((href) => this.host.post({ type: 'openLink', href }));
    // When VS Code focuses the view (its Focus command, or a click on the activity bar icon), put the caret in the input.
    window.addEventListener('focus', () => {
      if (!this.history.visible && (document.activeElement === document.body || document.activeElement === null)) this.composer.focus();
    });
    this.host.onMessage((message) => this.receive(message));
  }

  /** Messages held, in order, while the Markdown engine loads for a conversation to show (receive()). */
  private held: HostToChatView[] | undefined;

  private receive(message: HostToChatView): void {
    if (this.held) {
      this.held.push(message);
      return;
    }
    if (message.type === 'state' && message.state.turns.length > 0 && !loadedMarkdown()) {
      // A conversation to show (the view restored, or one opened from the history) before the Markdown engine is
      // here: wait the few milliseconds it takes, so that its turns are drawn once, as Markdown, not as plain text
      // that then reflows. A failed load draws them anyway (as plain text: streamingMarkdown.ts).
      const held: HostToChatView[] = [message];
      this.held = held;
      void loadMarkdown()
        .catch(() => undefined)
        .then(() => {
          this.held = undefined;
          for (const m of held) this.handle(m);
        });
      return;
    }
    this.handle(message);
  }

  private handle(message: HostToChatView): void {
    switch (message.type) {
      case 'state':
        this.render(message.state);
        break;
      case 'progress': {
        const stick = this.transcript.isAtEnd();
        if (!this.transcript.progress(message)) {
          this.host.post({ type: 'ready' }); // out of step: ask for the whole state again
          break;
        }
        this.announcer.say(message.status);
        if (stick) this.transcript.scrollToEnd();
        break;
      }
      case 'insertInput':
        this.showHistory(false);
        this.composer.insert(message.text);
        break;
      case 'focusInput':
        this.showHistory(false);
        this.composer.focus();
        break;
      case 'showHistory':
        this.showHistory(message.show ? !this.history.visible : false); // the History button toggles
        break;
      case 'searchResults':
        this.history.addResults(message.searchId, message.hits, message.done, message.limited ?? false);
        break;
      case 'revealTurn':
        this.showHistory(false);
        this.reveal(message.conversationId, message.turnId, message.query);
        break;
    }
  }

  /** A turn to show once its conversation is the one shown (at once when it is already). */
  private pendingReveal: { conversationId: string; turnId: string; query?: string } | undefined;

  private reveal(conversationId: string, turnId: string, query?: string): void {
    this.pendingReveal = { conversationId, turnId, query };
    if (this.transcript.shows(conversationId) && this.transcript.revealTurn(turnId, query)) this.pendingReveal = undefined;
  }

  private render(state: ChatViewState): void {
    const reveal = this.pendingReveal?.conversationId === state.conversationId ? this.pendingReveal : undefined;
    const stick = !reveal && (this.transcript.isAtEnd() || !this.transcript.shows(state.conversationId));
    this.header.update(state);
    this.transcript.update(state, reveal?.turnId);
    if (reveal) {
      this.pendingReveal = undefined;
      this.transcript.revealTurn(reveal.turnId, reveal.query);
    }
    this.history.update(state.history, state.conversationId);
    this.composer.setBusy(state.busy);
    if (state.busy) prefetchMarkdown(); // an answer is on its way (a follow-up, or a question sent from the editor)
    this.composer.setAttachments(state.attachments ?? []);
    this.announcer.say(state.turns.at(-1)?.status);
    if (stick) this.transcript.scrollToEnd();
  }

  private showHistory(visible: boolean): void {
    this.history.show(visible);
    this.transcript.element.hidden = visible;
    this.composer.element.hidden = visible;
    if (!visible) this.composer.focus();
  }
}
