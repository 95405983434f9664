import type { LiveMarkdown } from './liveMarkdown';
import { loadedMarkdown, whenMarkdownLoaded, type MarkdownEngine } from './markdownLoader';

// What the views render Markdown through. The engine (markdown-it, DOMPurify: markdownEngine.ts) loads on the
// first demand (markdownLoader.ts); once it is here every call goes straight to it (liveMarkdown.ts). Before, the
// text is shown as plain text — text nodes only, so untrusted output stays inert — and rendered as Markdown the
// moment the engine arrives, with the same calls replayed (set, append, finish). The views never wait for it,
// and no text is held back from the screen (docs/architecture.md, "Webview scripts load in pieces").

/** The class of the plain-text stand-in (media/controls.css keeps its line breaks). */
export const PENDING_MARKDOWN = 'md-pending';

export class StreamingMarkdown {
  private live: LiveMarkdown | undefined;
  /** While the engine loads: the text so far and whether finish() was called. */
  private text = '';
  private finished = false;
  private plain: HTMLElement | undefined;
  private upgradeQueued = false;

  constructor(
    private readonly container: HTMLElement,
    /** Called with every subtree inserted, to add code-block toolbars and the like. */
    private readonly decorate: (root: ParentNode) => void,
  ) {}

  /** The engine's view once the engine is here (a view made before it arrived takes it up on its next call). */
  private get ready(): LiveMarkdown | undefined {
    if (this.live) return this.live;
    const engine = loadedMarkdown();
    if (engine) this.upgrade(engine);
    return this.live;
  }

  /** Renders the whole text (extends incrementally when it extends what is shown, else starts over). */
  set(text: string): void {
    const live = this.ready;
    if (live) return live.set(text);
    if (this.finished && text === this.text) return;
    this.finished = false;
    this.text = text;
    this.showPlain(false);
  }

  /** Appends streamed text. */
  append(delta: string): void {
    const live = this.ready;
    if (live) return live.append(delta);
    if (this.finished) {
      this.text = '';
      this.finished = false;
    }
    this.text += delta;
    this.showPlain(true, delta);
  }

  /** No more text will come: the tail gets its final rendering (an open fence is highlighted now). */
  finish(): void {
    const live = this.ready;
    if (live) return live.finish();
    this.finished = true;
  }

  get isFinished(): boolean {
    return this.live ? this.live.isFinished : this.finished;
  }

  private showPlain(appended: boolean, delta = ''): void {
    if (!this.text) {
      this.container.replaceChildren();
      this.plain = undefined;
    } else if (appended && this.plain?.isConnected) {
      this.plain.append(delta);
    } else {
      this.plain = document.createElement('div');
      this.plain.className = PENDING_MARKDOWN;
      this.plain.textContent = this.text;
      this.container.replaceChildren(this.plain);
    }
    if (this.upgradeQueued) return;
    this.upgradeQueued = true;
    whenMarkdownLoaded((engine) => this.upgrade(engine));
  }

  /** The engine is here: render what was shown as plain text, and hand every later call to it. */
  private upgrade(engine: MarkdownEngine): void {
    if (this.live) return;
    if (this.plain) this.container.replaceChildren();
    this.plain = undefined;
    const live = new engine.LiveMarkdown(this.container, this.decorate);
    this.live = live;
    if (this.text) live.set(this.text);
    if (this.finished) live.finish();
  }
}

const shownSource = new WeakMap<HTMLElement, string>();

/**
 * One piece of Markdown that does not stream (the user's question), rendered into `container`; plain text until the
 * engine has loaded, then rendered if it is still what the container should show.
 */
export function showMarkdown(container: HTMLElement, markdown: string, decorate: (root: ParentNode) => void): void {
  shownSource.set(container, markdown);
  const render = (engine: MarkdownEngine) => {
    if (shownSource.get(container) !== markdown) return;
    const fragment = engine.renderMarkdownFragment(markdown);
    decorate(fragment);
    container.replaceChildren(fragment);
  };
  const engine = loadedMarkdown();
  if (engine) return render(engine);
  const plain = document.createElement('div');
  plain.className = PENDING_MARKDOWN;
  plain.textContent = markdown;
  container.replaceChildren(plain);
  whenMarkdownLoaded(render);
}
