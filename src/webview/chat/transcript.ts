import type { ChatTurnView, ChatViewState, ChatViewStrings, HostToChatView } from '../../protocol';
import { button, el, format } from '../shared/dom';
import { clearMatchHighlights, highlightMatches } from './matchHighlight';
import { TranscriptTurn, type TurnActions } from './transcriptTurn';
import { TurnPager } from './turnPager';
import { keptWindow, newestWindow, turnSize, windowAt, withEarlier, withLater, type TurnWindow } from './turnWindow';

// The conversation: its turns (keyed by id, so that a turn that did not change keeps its DOM and its rendered
// Markdown), the note about trimmed turns, and the empty state with the recent conversations. It stays
// scrolled to the end while the user has not scrolled away from it.
//
// A long conversation opens at once: only a window of its turns is rendered (turnWindow.ts), the newest first,
// and older ones come in a page at a time as the user scrolls up (turnPager.ts), the scroll position kept. The
// turns outside the window are kept as data (streamed text included), so a page brought in later is current.

type Progress = Extract<HostToChatView, { type: 'progress' }>;

export interface TranscriptActions extends TurnActions {
  openConversation(id: string): void;
}

export class Transcript {
  readonly element = el('main', 'transcript');
  private readonly trimmedNote = el('p', 'trimmed-note');
  private readonly turnList = el('div', 'turns');
  private readonly emptyState = el('div', 'empty-state');
  /** The rendered turns (those in the window), by id. */
  private readonly turns = new Map<string, TranscriptTurn>();
  private conversationId = '';
  private questionList: string[] = [];
  /** Every turn of the conversation shown, rendered or not, and where each id is in it. */
  private data: ChatTurnView[] = [];
  private indexOf = new Map<string, number>();
  private sizes: number[] = [];
  private window: TurnWindow = { start: 0, end: 0 };
  private trimmedTurns = 0;
  private readonly pager: TurnPager;

  constructor(
    private readonly t: ChatViewStrings,
    private readonly actions: TranscriptActions,
  ) {
    this.element.setAttribute('aria-label', t.bot);
    this.element.tabIndex = -1;
    this.pager = new TurnPager(this.element, t, {
      earlier: (byKeyboard) => this.showEarlier(byKeyboard),
      later: (byKeyboard) => this.showLater(byKeyboard),
    });
    this.element.append(this.trimmedNote, this.pager.earlierButton, this.turnList, this.pager.laterButton, this.emptyState);
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
    return this.window.end === this.data.length && e.scrollHeight - e.scrollTop - e.clientHeight < 48;
  }

  scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }

  /** Shows the state; `revealTurnId`: a turn that must be in the window (a search hit opened). */
  update(state: ChatViewState, revealTurnId?: string): void {
    const changed = state.conversationId !== this.conversationId;
    const previous = { startId: this.data[this.window.start]?.id, endId: this.data[this.window.end - 1]?.id, atEnd: this.window.end === this.data.length };
    const known = changed ? undefined : this.indexOf;
    if (changed) {
      this.conversationId = state.conversationId;
      this.turns.clear();
      this.turnList.replaceChildren();
      clearMatchHighlights();
    }
    this.data = [...state.turns]; // progress() updates it in place
    this.indexOf = new Map(state.turns.map((turn, index) => [turn.id, index]));
    this.sizes = state.turns.map(turnSize);
    this.questionList = state.turns.map((turn) => turn.question);
    this.trimmedTurns = state.trimmedTurns;
    this.trimmedNote.textContent = format(this.t.trimmed, state.trimmedTurns);

    const last = state.turns.at(-1);
    const newTurnAsked = !!known && !!last && !known.has(last.id) && (last.status === 'waiting' || last.status === 'streaming');
    let window = changed ? newestWindow(this.sizes) : keptWindow(previous, state.turns.map((turn) => turn.id), this.sizes, newTurnAsked);
    const reveal = revealTurnId === undefined ? undefined : this.indexOf.get(revealTurnId);
    if (reveal !== undefined && (reveal < window.start || reveal >= window.end)) window = windowAt(reveal, this.sizes);
    const jumpedToEnd = !changed && !previous.atEnd && window.end === this.data.length && newTurnAsked;
    this.render(window);
    this.renderEmptyState(state);
    if (jumpedToEnd) this.scrollToEnd(); // the question just asked, after reading an old part
  }

  /** Renders the turns of `window` (keeping the views of those already rendered) and drops the others. */
  private render(window: TurnWindow): void {
    this.window = window;
    const shown = this.data.slice(window.start, window.end);
    const ids = new Set(shown.map((turn) => turn.id));
    for (const [id, view] of this.turns) {
      if (!ids.has(id)) {
        view.element.remove();
        this.turns.delete(id);
      }
    }
    shown.forEach((turn, offset) => {
      let view = this.turns.get(turn.id);
      if (!view) {
        view = new TranscriptTurn(turn, this.t, this.actions);
        this.turns.set(turn.id, view);
      }
      view.update(turn, window.start + offset === this.data.length - 1);
      if (this.turnList.children[offset] !== view.element) this.turnList.insertBefore(view.element, this.turnList.children[offset] ?? null);
    });
    // The note is about the oldest turns: it belongs above the first one.
    this.trimmedNote.hidden = this.trimmedTurns === 0 || window.start > 0;
    this.pager.update(window.start, this.data.length - window.end);
  }

  /** One more page of older turns above, the turns on screen staying where they are. */
  private showEarlier(byKeyboard: boolean): void {
    if (this.window.start === 0) return;
    const e = this.element;
    const fromBottom = e.scrollHeight - e.scrollTop;
    const oldStart = this.window.start;
    this.render(withEarlier(this.window, this.sizes));
    e.scrollTop = e.scrollHeight - fromBottom;
    if (byKeyboard) this.focusTurn(this.data[oldStart - 1]?.id);
  }

  private showLater(byKeyboard: boolean): void {
    if (this.window.end === this.data.length) return;
    const oldEnd = this.window.end;
    this.render(withLater(this.window, this.sizes));
    if (byKeyboard) this.focusTurn(this.data[oldEnd]?.id);
  }

  private focusTurn(id: string | undefined): HTMLElement | undefined {
    const view = id === undefined ? undefined : this.turns.get(id);
    if (!view) return undefined;
    view.element.tabIndex = -1;
    view.element.focus();
    return view.element;
  }

  /**
   * Scrolls to a turn of the conversation shown (a search hit), marks it, and marks the query's words in it.
   * False when the turn is not in this conversation.
   */
  revealTurn(turnId: string, query?: string): boolean {
    const index = this.indexOf.get(turnId);
    if (index === undefined) return false;
    if (index < this.window.start || index >= this.window.end) this.render(windowAt(index, this.sizes));
    const target = this.turns.get(turnId)?.element;
    if (!target) return false;
    target.scrollIntoView({ block: 'start' });
    target.tabIndex = -1;
    target.focus({ preventScroll: true });
    target.classList.remove('revealed');
    void target.offsetWidth; // restarts the animation when the same turn is revealed twice
    target.classList.add('revealed');
    if (query) highlightMatches(target, query);
    else clearMatchHighlights();
    return true;
  }

  /** A streamed piece of a turn; false when the view cannot place it (it then needs the whole state). */
  progress(message: Progress): boolean {
    const index = this.indexOf.get(message.turnId);
    const turn = index === undefined ? undefined : this.data[index];
    if (index === undefined || !turn) return false;
    const view = this.turns.get(message.turnId);
    const reasoning = { offset: message.reasoningOffset, append: message.reasoningAppend, ms: message.reasoningMs };
    if (view) {
      if (!view.progress(message.offset, message.append, message.status, message.statusText, reasoning)) return false;
    } else if (message.offset !== turn.answer.length || (reasoning.append !== undefined && reasoning.offset !== (turn.reasoning ?? '').length)) {
      return false;
    }
    // The data follows too, so that the turn is current when it is rendered (again) later.
    this.data[index] = {
      ...turn,
      answer: turn.answer + message.append,
      status: message.status,
      statusText: message.statusText,
      reasoning: reasoning.append !== undefined ? (turn.reasoning ?? '') + reasoning.append : turn.reasoning,
      reasoningMs: reasoning.ms ?? turn.reasoningMs,
    };
    return true;
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
