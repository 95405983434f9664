import type { AttachmentView, ChatViewStrings } from '../../protocol';
import { el, format } from '../shared/dom';
import { icon } from './icons';

// A row of attachment chips: "diagram.png · 120 KB", an image's thumbnail (made in the page from the pasted
// bytes, see attachmentInput.ts) or an icon, and in the composer a remove (×) button per chip. Used by the
// composer (files waiting for the next question) and by the transcript (files sent with a question).

export type ChipItem = AttachmentView & { id?: string };

export class AttachmentChips {
  readonly element = el('ul', 'attachment-chips');
  /** After a remove, the chip at this index (or the one before) gets the focus, so the keyboard is not lost. */
  private focusIndex: number | undefined;
  private shown = '';

  constructor(
    label: string,
    testId: string,
    private readonly t: ChatViewStrings,
    private readonly actions: { remove?(id: string): void; focusAway?(): void } = {},
  ) {
    this.element.setAttribute('aria-label', label);
    this.element.dataset.testid = testId;
    this.element.hidden = true;
  }

  update(items: readonly ChipItem[], thumbnails: Readonly<Record<string, string>> = {}): void {
    const key = JSON.stringify([items, items.map((item) => (item.id ? (thumbnails[item.id] ?? '') : ''))]);
    if (key === this.shown) return;
    this.shown = key;
    this.element.replaceChildren(...items.map((item, index) => this.chip(item, index, item.id ? thumbnails[item.id] : undefined)));
    this.element.hidden = items.length === 0;
    const focus = this.focusIndex;
    this.focusIndex = undefined;
    if (focus === undefined) return;
    const buttons = this.element.querySelectorAll<HTMLButtonElement>('.attachment-remove');
    const next = buttons[Math.min(focus, buttons.length - 1)];
    if (next) next.focus();
    else this.actions.focusAway?.();
  }

  private chip(item: ChipItem, index: number, thumbnail: string | undefined): HTMLLIElement {
    const chip = el('li', 'attachment-chip');
    chip.dataset.testid = 'attachment-chip';
    chip.dataset.kind = item.kind;
    chip.dataset.name = item.name;
    chip.title = `${item.name} · ${item.size}`;
    if (thumbnail) {
      const img = el('img', 'attachment-thumb');
      img.dataset.testid = 'attachment-thumb';
      img.alt = '';
      img.src = thumbnail; // a data: URL this page drew from the user's own pasted bytes
      chip.append(img);
    } else {
      chip.append(icon(item.kind === 'image' ? 'image' : 'file', 'attachment-icon'));
    }
    chip.append(el('span', 'attachment-name', item.name), el('span', 'attachment-size', `· ${item.size}`));
    const { remove } = this.actions;
    const id = item.id;
    if (remove && id) {
      const button = el('button', 'attachment-remove');
      button.type = 'button';
      button.dataset.testid = 'attachment-remove';
      const label = format(this.t.removeAttachment, item.name);
      button.setAttribute('aria-label', label);
      button.title = label;
      button.append(icon('close'));
      button.addEventListener('click', () => {
        this.focusIndex = index;
        remove(id);
      });
      chip.append(button);
    }
    return chip;
  }
}
