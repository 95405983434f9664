import type { ChatSummaryView, ChatViewStrings, SearchHitView } from '../../protocol';
import { button, el, format, relativeTime } from '../shared/dom';

// The history list: every saved conversation (title, time, bot, turns) with Open, Rename (inline), Export and
// Delete; above it, a search box over every conversation's questions and answers. The extension searches (the
// files are on its side: src/chat/historySearch.ts) and sends hits as it finds them; each search has an id, so
// hits of a search the user has typed past are dropped. A hit opens its conversation at its turn.

export interface HistoryActions {
  /** `turnId` and `query`: a search hit, shown in its turn with the query marked. */
  open(id: string, turnId?: string, query?: string): void;
  rename(id: string, title: string): void;
  remove(id: string): void;
  exportConversation(id: string): void;
  /** Starts search `searchId` (replacing the one before); an empty query stops it. */
  search(query: string, searchId: number): void;
  close(): void;
}

/** Typing pauses this long before a search starts: one search per burst of keys, not one per key. */
const SEARCH_DELAY_MS = 150;

export class HistoryPanel {
  readonly element = el('section', 'history');
  private readonly list = el('ul', 'history-list');
  private readonly empty: HTMLParagraphElement;
  private items: ChatSummaryView[] = [];
  private currentId = '';
  private editing: string | undefined;
  private readonly searchInput = el('input', 'history-search-input');
  private readonly searchStatus = el('p', 'history-search-status');
  private readonly results = el('ul', 'search-results');
  private searchId = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The query of the hits shown ('' when none is). */
  private shownQuery = '';
  private hitCount = 0;

  constructor(
    private readonly t: ChatViewStrings,
    private readonly actions: HistoryActions,
  ) {
    this.element.hidden = true;
    this.element.setAttribute('aria-label', t.history);
    const header = el('div', 'history-header');
    header.append(el('h2', undefined, t.history), button(t.backToChat, 'link-button back', () => actions.close()));
    this.empty = el('p', 'history-empty', t.historyEmpty);
    const search = el('div', 'history-search');
    this.searchInput.type = 'search';
    this.searchInput.placeholder = t.searchHistory;
    this.searchInput.setAttribute('aria-label', t.searchHistory);
    this.searchInput.maxLength = 200;
    this.searchInput.spellcheck = false;
    this.searchStatus.setAttribute('role', 'status');
    this.searchStatus.hidden = true;
    this.results.hidden = true;
    this.results.setAttribute('aria-label', t.searchHistory);
    search.append(this.searchInput);
    this.element.append(header, search, this.searchStatus, this.empty, this.list, this.results);
    this.searchInput.addEventListener('input', () => this.scheduleSearch());
    this.searchInput.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.searchInput.value) {
        // Escape clears the box first; a second Escape closes the history.
        event.preventDefault();
        event.stopPropagation();
        this.searchInput.value = '';
        this.runSearch();
      } else if (event.key === 'Enter') {
        event.preventDefault();
        this.runSearch();
      } else if (event.key === 'ArrowDown') {
        event.preventDefault();
        this.openButtons()[0]?.focus();
      }
    });
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !this.editing) {
        event.stopPropagation();
        actions.close();
      } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && event.target instanceof HTMLButtonElement && event.target.matches('.history-open, .search-open')) {
        // Up and down walk the list (and up from the first item goes back to the search box).
        event.preventDefault();
        const buttons = this.openButtons();
        const next = buttons.indexOf(event.target) + (event.key === 'ArrowDown' ? 1 : -1);
        (next < 0 ? this.searchInput : buttons[Math.min(next, buttons.length - 1)])?.focus();
      }
    });
  }

  /** The query in the search box, as typed. */
  get query(): string {
    return this.searchInput.value;
  }

  /** The Open buttons of the list shown (conversations, or hits while searching). */
  private openButtons(): HTMLButtonElement[] {
    const list = this.results.hidden ? this.list : this.results;
    return [...list.querySelectorAll<HTMLButtonElement>('.history-open, .search-open')];
  }

  private scheduleSearch(): void {
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => this.runSearch(), SEARCH_DELAY_MS);
  }

  private runSearch(): void {
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = undefined;
    const query = this.searchInput.value.trim();
    this.searchId++;
    this.actions.search(query, this.searchId);
    this.shownQuery = query;
    this.hitCount = 0;
    this.results.replaceChildren();
    const searching = query !== '';
    this.results.hidden = !searching;
    this.list.hidden = searching;
    this.empty.hidden = searching || this.items.length > 0;
    this.searchStatus.hidden = !searching;
    this.searchStatus.textContent = searching ? this.t.searching : '';
    this.element.classList.toggle('searching', searching);
  }

  /** Hits of search `searchId` as the extension finds them; those of an older search are dropped. */
  addResults(searchId: number, hits: readonly SearchHitView[], done: boolean, limited: boolean): void {
    if (searchId !== this.searchId || !this.shownQuery) return;
    for (const hit of hits) this.results.append(this.renderHit(hit, this.results.lastElementChild as HTMLElement | null));
    this.hitCount += hits.length;
    if (!done) return;
    const count = this.hitCount === 1 ? this.t.searchOneMatch : format(this.t.searchMatches, this.hitCount);
    this.searchStatus.textContent = this.hitCount === 0 ? this.t.searchNoMatches : limited ? format(this.t.searchLimited, this.hitCount) : count;
  }

  private renderHit(hit: SearchHitView, previous: HTMLElement | null): HTMLLIElement {
    const li = el('li', 'search-hit');
    li.dataset.conversationId = hit.conversationId;
    if (hit.turnId) li.dataset.turnId = hit.turnId;
    // Hits come conversation by conversation: the title is written once for a run of them.
    if (previous?.dataset.conversationId === hit.conversationId) li.classList.add('same-conversation');
    const query = this.shownQuery;
    const open = button('', 'search-open', () => this.actions.open(hit.conversationId, hit.turnId, query));
    const snippet = el('span', 'search-snippet');
    snippet.append(hit.before, el('mark', undefined, hit.match), hit.after);
    const where = hit.field === 'question' ? this.t.searchInQuestion : hit.field === 'answer' ? this.t.searchInAnswer : this.t.searchInTitle;
    open.append(el('span', 'history-title search-title', hit.title || this.t.untitled), snippet, el('span', 'history-meta', `${relativeTime(hit.updatedAt)} · ${where}`));
    li.append(open);
    return li;
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  show(visible: boolean): void {
    this.element.hidden = !visible;
    this.editing = undefined;
    if (visible) {
      this.render();
      // The history may have changed since the hits shown were found: search again.
      if (this.searchInput.value.trim()) this.runSearch();
      this.searchInput.focus();
    } else if (this.searchTimer || this.searchStatus.textContent === this.t.searching) {
      this.searchId++;
      this.actions.search('', this.searchId); // nobody is looking: stop it
      if (this.searchTimer) clearTimeout(this.searchTimer);
      this.searchTimer = undefined;
    }
  }

  update(items: ChatSummaryView[], currentId: string): void {
    this.items = items;
    this.currentId = currentId;
    if (this.visible && !this.editing) this.render();
  }

  private render(): void {
    this.empty.hidden = this.items.length > 0 || !!this.shownQuery;
    this.list.replaceChildren(...this.items.map((item) => this.renderItem(item)));
  }

  private renderItem(item: ChatSummaryView): HTMLLIElement {
    const li = el('li', 'history-item');
    li.dataset.id = item.id;
    if (item.id === this.currentId) li.classList.add('current');
    const open = button('', 'history-open', () => this.actions.open(item.id));
    const title = el('span', 'history-title', item.title || this.t.untitled);
    const meta = el('span', 'history-meta', [relativeTime(item.updatedAt), item.botName ?? item.botId, format(this.t.turns, item.turns)].join(' · '));
    open.append(title, meta);
    open.title = item.title;
    if (item.id === this.currentId) open.setAttribute('aria-current', 'true');
    const rename = button(this.t.rename, 'link-button history-rename', () => this.startRename(li, item));
    rename.setAttribute('aria-label', `${this.t.rename}: ${item.title}`);
    const remove = button(this.t.delete, 'link-button history-delete', () => this.actions.remove(item.id));
    remove.setAttribute('aria-label', `${this.t.delete}: ${item.title}`);
    const exportButton = button(this.t.exportConversation, 'link-button history-export', () => this.actions.exportConversation(item.id));
    exportButton.setAttribute('aria-label', `${this.t.exportConversation}: ${item.title}`);
    const tools = el('span', 'history-tools');
    tools.append(rename, exportButton, remove);
    li.append(open, tools);
    return li;
  }

  private startRename(li: HTMLLIElement, item: ChatSummaryView): void {
    this.editing = item.id;
    const form = el('form', 'history-rename-form');
    const input = el('input', 'history-rename-input');
    input.type = 'text';
    input.value = item.title;
    input.maxLength = 200;
    input.setAttribute('aria-label', this.t.renameLabel);
    const finish = (save: boolean) => {
      const title = input.value.trim();
      this.editing = undefined;
      if (save && title && title !== item.title) this.actions.rename(item.id, title);
      this.render();
      this.list.querySelector<HTMLButtonElement>(`li[data-id="${item.id}"] .history-rename`)?.focus();
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      finish(true);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        finish(false);
      }
    });
    form.append(input, button(this.t.save, 'primary', () => finish(true)), button(this.t.cancel, 'secondary', () => finish(false)));
    li.replaceChildren(form);
    input.focus();
    input.select();
  }
}
