import type { ChatViewState, ChatViewStrings, HostToChatView } from '../../protocol';
import { button, el, format } from '../shared/dom';
import { TranscriptTurn, type TurnActions } from './transcriptTurn';

// The conversation: its turns (keyed by id, so that a turn that did not change keeps its DOM and its rendered
// Markdown), the note about trimmed turns, and the empty state with the recent conversations. It stays
// scrolled to the end while the user has not scrolled away from it.

type Progress = Extract<HostToChatView, { type: 'progress' }>;

export interface TranscriptActions extends TurnActions {
  openConversation(id: string): void;
}

export class Transcript {
  readonly element = el('main', 'transcript');
  private readonly trimmedNote = el('p', 'trimmed-note');
  private readonly turnList = el('div', 'turns');
  private readonly emptyState = el('div', 'empty-state');
  private readonly turns = new Map<string, TranscriptTurn>();
  private conversationId = '';
  private questionList: string[] = [];

  constructor(
    private readonly t: ChatViewStrings,
    private readonly actions: TranscriptActions,
  ) {
    this.element.setAttribute('aria-label', t.bot);
    this.element.tabIndex = -1;
    this.element.append(this.trimmedNote, this.turnList, this.emptyState);
    this.emptyState.hidden = true; // until the first state: the page asks for it at once
  }

  /** The questions of the conversation shown, oldest first. */
  get questions(): readonly string[] {
    return this.questionList;
  }

  /** Whether showing `conversationId` is a change of conversation (which starts at the end). */
  shows(conversationId: string): boolean {
    return conversationId === this.conversationId;
  }

  /** Close enough to the end that new text should keep it in view. */
  isAtEnd(): boolean {
    const e = this.element;
    return e.scrollHeight - e.scrollTop - e.clientHeight < 48;
  }

  scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }

  update(state: ChatViewState): void {
    if (state.conversationId !== this.conversationId) {
      this.conversationId = state.conversationId;
      this.turns.clear();
      this.turnList.replaceChildren();
    }
    this.questionList = state.turns.map((turn) => turn.question);
    this.trimmedNote.hidden = state.trimmedTurns === 0;
    this.trimmedNote.textContent = format(this.t.trimmed, state.trimmedTurns);

    const ids = new Set(state.turns.map((turn) => turn.id));
    for (const [id, view] of this.turns) {
      if (!ids.has(id)) {
        view.element.remove();
        this.turns.delete(id);
      }
    }
    state.turns.forEach((turn, index) => {
      let view = this.turns.get(turn.id);
      if (!view) {
        view = new TranscriptTurn(turn, this.t, this.actions);
        this.turns.set(turn.id, view);
      }
      view.update(turn, index === state.turns.length - 1);
      if (this.turnList.children[index] !== view.element) this.turnList.insertBefore(view.element, this.turnList.children[index] ?? null);
    });
    this.renderEmptyState(state);
  }

  /** A streamed piece of a turn; false when the view cannot place it (it then needs the whole state). */
  progress(message: Progress): boolean {
    const view = this.turns.get(message.turnId);
    const reasoning = { offset: message.reasoningOffset, append: message.reasoningAppend, ms: message.reasoningMs };
    return !!view && view.progress(message.offset, message.append, message.status, message.statusText, reasoning);
  }

  private renderEmptyState(state: ChatViewState): void {
    const empty = this.emptyState;
    empty.hidden = state.turns.length > 0;
    if (empty.hidden) return;
    empty.replaceChildren(el('h2', undefined, this.t.emptyTitle), el('p', undefined, this.t.emptyHint));
    const recent = state.history.slice(0, 5);
    if (recent.length) {
      const list = el('ul', 'recent');
      for (const item of recent) {
        const li = el('li');
        li.append(button(item.title || this.t.untitled, 'link-button', () => this.actions.openConversation(item.id)));
        list.append(li);
      }
      empty.append(el('h3', undefined, this.t.history), list);
    }
  }
}
