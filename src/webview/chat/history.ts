import type { ChatSummaryView, ChatViewStrings } from '../../protocol';
import { button, el, format, relativeTime } from '../shared/dom';

// The history list: every saved conversation (title, time, bot, turns) with Open, Rename (inline) and Delete.

export interface HistoryActions {
  open(id: string): void;
  rename(id: string, title: string): void;
  remove(id: string): void;
  close(): void;
}

export class HistoryPanel {
  readonly element = el('section', 'history');
  private readonly list = el('ul', 'history-list');
  private readonly empty: HTMLParagraphElement;
  private items: ChatSummaryView[] = [];
  private currentId = '';
  private editing: string | undefined;

  constructor(
    private readonly t: ChatViewStrings,
    private readonly actions: HistoryActions,
  ) {
    this.element.hidden = true;
    this.element.setAttribute('aria-label', t.history);
    const header = el('div', 'history-header');
    header.append(el('h2', undefined, t.history), button(t.backToChat, 'link-button back', () => actions.close()));
    this.empty = el('p', 'history-empty', t.historyEmpty);
    this.element.append(header, this.empty, this.list);
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !this.editing) {
        event.stopPropagation();
        actions.close();
      }
    });
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  show(visible: boolean): void {
    this.element.hidden = !visible;
    this.editing = undefined;
    if (visible) {
      this.render();
      (this.list.querySelector<HTMLButtonElement>('.history-open') ?? this.element.querySelector<HTMLButtonElement>('.back'))?.focus();
    }
  }

  update(items: ChatSummaryView[], currentId: string): void {
    this.items = items;
    this.currentId = currentId;
    if (this.visible && !this.editing) this.render();
  }

  private render(): void {
    this.empty.hidden = this.items.length > 0;
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
    const tools = el('span', 'history-tools');
    tools.append(rename, remove);
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
