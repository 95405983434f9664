import type { ChatViewStrings, PendingAttachmentView } from '../../protocol';
import { button, el } from '../shared/dom';
import { AttachmentChips } from './attachmentChips';
import { canDrop, clipboardFiles, sendFiles, takeDrop, type AttachmentSink } from './attachmentInput';
import { icon } from './icons';

// The input at the bottom of the chat: Enter sends, Shift+Enter breaks the line, ↑/↓ bring back earlier
// questions, Stop (or Escape) while an answer arrives. The unsent draft and the questions sent survive the view
// being hidden, through the page's saved state.
//
// Attachments: the attach button asks the extension (the current file, or files from disk); an image pasted or
// files dropped into the composer are read here and handed over. The chips show what the extension holds
// (its state), so they survive the view being rebuilt; only the thumbnails are the page's own.

/** What the page keeps for itself across hide/show: the unsent draft, the questions sent (for ↑), thumbnails. */
export interface ComposerState {
  draft: string;
  sent: string[];
  /** Small data: URLs of pasted images, by attachment id (only of chips still shown). */
  thumbnails?: Record<string, string>;
}

const MAX_RECALL = 50;

export interface ComposerDeps {
  /** `attachmentIds`: the chips shown, which go with the question. */
  send(text: string, attachmentIds: string[]): void;
  stop(): void;
  /** The attach button: the extension offers the current file or a file dialog. */
  attach(): void;
  /** Pasted or dropped files go to the extension through this. */
  attachments: Omit<AttachmentSink, 'thumbnail'>;
  removeAttachment(id: string): void;
  /** The largest file the page may hand over as bytes (the extension's MAX_ATTACHMENT_DATA_BYTES). */
  maxAttachmentBytes: number;
  /** The questions ↑/↓ go through: those of the conversation shown (else the ones sent from this view). */
  questions(): readonly string[];
  saved: {
    getState(): ComposerState | undefined;
    setState(state: ComposerState): void;
  };
}

export class Composer {
  readonly element = el('form', 'composer');
  private readonly input = el('textarea', 'composer-input');
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly attachButton: HTMLButtonElement;
  private readonly chips: AttachmentChips;
  private attachments: PendingAttachmentView[] = [];
  /** Ids handed to the extension that no state has listed yet: their thumbnails must not be pruned meanwhile. */
  private readonly unlisted = new Set<string>();
  private readonly page: ComposerState;
  private busyNow = false;
  /** Index into recallList() of the question shown, or -1. */
  private recallIndex = -1;

  constructor(
    t: ChatViewStrings,
    private readonly deps: ComposerDeps,
  ) {
    this.page = { draft: '', sent: [], ...deps.saved.getState() };
    this.input.rows = 1;
    this.input.placeholder = t.inputPlaceholder;
    this.input.setAttribute('aria-label', t.inputLabel);
    this.sendButton = button(t.send, 'primary send', () => this.submit());
    this.stopButton = button(t.stop, 'secondary stop', () => deps.stop(), 'Escape');
    this.attachButton = button('', 'icon-button attach', () => deps.attach(), t.attachHint);
    this.attachButton.setAttribute('aria-label', t.attach);
    this.attachButton.dataset.testid = 'chat-attach';
    this.attachButton.append(icon('attach'));
    this.chips = new AttachmentChips(t.attachments, 'chat-attachments', t, {
      remove: (id) => deps.removeAttachment(id),
      focusAway: () => this.input.focus(),
    });
    const actions = el('div', 'composer-actions');
    actions.append(this.attachButton, this.stopButton, this.sendButton);
    this.element.append(this.chips.element, this.input, actions);
    this.listenForFiles();

    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener('input', () => {
      this.recallIndex = -1;
      this.changed();
      this.saveDraft();
    });
    this.input.addEventListener('keydown', (event) => this.onKeyDown(event));
  }

  get busy(): boolean {
    return this.busyNow;
  }

  /** Puts the saved draft back (call once the composer is in the page: its height depends on layout). */
  restoreDraft(): void {
    this.input.value = this.page.draft;
    this.autosize();
  }

  setBusy(busy: boolean): void {
    this.busyNow = busy;
    document.body.classList.toggle('busy', busy);
    this.stopButton.hidden = !busy;
    this.sendButton.hidden = busy;
    this.updateSendEnabled();
  }

  focus(): void {
    this.input.focus();
  }

  /** Adds `text` after the draft (a quoted selection, say) and puts the caret at its end. */
  insert(text: string): void {
    const draft = this.input.value.replace(/\s+$/, '');
    this.input.value = draft ? `${draft}\n\n${text}` : text;
    this.changed();
    this.saveDraft();
    this.input.focus();
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
    this.input.scrollTop = this.input.scrollHeight;
  }

  /** The extension's list of attached files (its state is the truth; the page keeps only thumbnails). */
  setAttachments(list: readonly PendingAttachmentView[]): void {
    this.attachments = [...list];
    for (const a of list) this.unlisted.delete(a.id);
    const thumbnails = this.page.thumbnails ?? {};
    const listed = new Set(list.map((a) => a.id));
    const kept = Object.fromEntries(Object.entries(thumbnails).filter(([id]) => listed.has(id) || this.unlisted.has(id)));
    if (Object.keys(kept).length !== Object.keys(thumbnails).length) {
      this.page.thumbnails = kept;
      this.deps.saved.setState(this.page);
    }
    this.chips.update(this.attachments, kept);
  }

  private listenForFiles(): void {
    const sink: AttachmentSink = {
      ...this.deps.attachments,
      data: (id, name, mime, data) => {
        this.unlisted.add(id);
        this.deps.attachments.data(id, name, mime, data);
      },
      thumbnail: (id, url) => {
        this.page.thumbnails = { ...this.page.thumbnails, [id]: url };
        this.deps.saved.setState(this.page);
        this.chips.update(this.attachments, this.page.thumbnails);
      },
    };
    this.input.addEventListener('paste', (event) => {
      const files = clipboardFiles(event.clipboardData);
      if (!files.length) return;
      event.preventDefault();
      void sendFiles(files, this.deps.maxAttachmentBytes, sink);
    });
    const dropTarget = (on: boolean) => this.element.classList.toggle('drop-target', on);
    this.element.addEventListener('dragover', (event) => {
      if (!canDrop(event.dataTransfer)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      dropTarget(true);
    });
    this.element.addEventListener('dragleave', (event) => {
      if (!this.element.contains(event.relatedTarget as Node | null)) dropTarget(false);
    });
    this.element.addEventListener('drop', (event) => {
      dropTarget(false);
      if (!event.dataTransfer || !canDrop(event.dataTransfer)) return;
      event.preventDefault();
      takeDrop(event.dataTransfer, this.deps.maxAttachmentBytes, sink);
      this.input.focus();
    });
  }

  private submit(): void {
    const text = this.input.value;
    if (!text.trim() || this.busyNow) return;
    this.deps.send(text, this.attachments.map((a) => a.id));
    this.page.sent = [...this.page.sent.filter((q) => q !== text), text].slice(-MAX_RECALL);
    this.recallIndex = -1;
    this.input.value = '';
    this.saveDraft();
    this.changed();
    this.input.focus();
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.isComposing || event.keyCode === 229) return; // an IME (Chinese input) is composing: Enter is its own
    if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.submit();
      return;
    }
    const input = this.input;
    const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    const recalled = this.recallIndex !== -1 && input.value === this.recallList()[this.recallIndex];
    if (event.key === 'ArrowUp' && (input.value === '' || (recalled && atStart))) {
      if (this.recall(-1)) event.preventDefault();
      return;
    }
    if (event.key === 'ArrowDown' && recalled && input.selectionStart === input.value.length) {
      if (this.recall(1)) event.preventDefault();
    }
  }

  private recallList(): readonly string[] {
    const fromTurns = this.deps.questions();
    return fromTurns.length ? fromTurns : this.page.sent;
  }

  private recall(direction: -1 | 1): boolean {
    const list = this.recallList();
    if (!list.length) return false;
    const next = this.recallIndex === -1 ? (direction === -1 ? list.length - 1 : -1) : this.recallIndex + direction;
    if (next < 0 || next >= list.length) {
      if (direction === 1 && this.recallIndex !== -1) {
        this.recallIndex = -1;
        this.input.value = '';
        this.changed();
        return true;
      }
      return false;
    }
    this.recallIndex = next;
    this.input.value = list[next]!;
    this.changed();
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
    return true;
  }

  /** After the text changed: the height follows it, and Send is offered only for something to send. */
  private changed(): void {
    this.autosize();
    this.updateSendEnabled();
  }

  private saveDraft(): void {
    this.page.draft = this.input.value;
    this.deps.saved.setState(this.page);
  }

  private autosize(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, Math.round(window.innerHeight * 0.4))}px`;
  }

  private updateSendEnabled(): void {
    this.sendButton.disabled = this.input.value.trim() === '';
  }
}
