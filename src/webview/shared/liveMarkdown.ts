import { loadLanguage } from './highlighter';
import { renderSafeFragment } from './markdown';
import { MarkdownStream, type StreamUpdate } from './markdownStream';

// The DOM side of MarkdownStream, inside the lazily loaded Markdown engine (markdownEngine.ts; the pages use it
// through streamingMarkdown.ts): finished blocks are sanitized and appended once and never touched again; the
// nodes of the last block are replaced on each update; an open code fence is one live <code> element that new
// code is appended to as text. So each update costs in proportion to the new text, not to the answer.

const CHUNK_NODES = 60;

export class LiveMarkdown {
  private stream = new MarkdownStream();
  /** Nodes of the current tail (replaced on each update). */
  private tailNodes: ChildNode[] = [];
  /** The open fence being appended to, if the tail is one. */
  private live: { id: number; code: HTMLElement } | undefined;
  private finished = false;
  private chunk: HTMLDivElement | undefined;

  constructor(
    private readonly container: HTMLElement,
    /** Called with every subtree inserted, to add code-block toolbars and the like. */
    private readonly decorate: (root: ParentNode) => void,
  ) {}

  /** Renders the whole text (extends incrementally when it extends what is shown, else starts over). */
  set(text: string): void {
    if (this.finished) {
      if (text === this.stream.source) return;
      this.clear();
    }
    this.apply(this.stream.update(text));
  }

  /** Appends streamed text. */
  append(delta: string): void {
    if (this.finished) this.clear();
    this.apply(this.stream.append(delta));
  }

  /** No more text will come: the tail gets its final rendering (an open fence is highlighted now). */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.replaceTail(this.stream.finish());
  }

  get isFinished(): boolean {
    return this.finished;
  }

  private clear(): void {
    this.container.replaceChildren();
    this.chunk = undefined;
    this.tailNodes = [];
    this.live = undefined;
    this.finished = false;
    this.stream = new MarkdownStream();
  }

  private apply(update: StreamUpdate): void {
    if (update.reset) {
      this.container.replaceChildren();
      this.chunk = undefined;
      this.tailNodes = [];
      this.live = undefined;
    }
    const tail = update.tail;
    const keepLive = tail.kind === 'code' && this.live?.id === tail.id && update.stable.length === 0;
    if (!keepLive) this.removeTail();
    if (update.stable.length) {
      const fragment = renderSafeFragment(update.stable.join(''));
      this.decorate(fragment);
      this.appendStable(fragment);
    }
    if (tail.kind === 'html') {
      if (tail.html) this.insertTail(tail.html);
      return;
    }
    if (!keepLive) this.live = { id: tail.id, code: this.createLiveFence(tail.lang) };
    if (tail.added) this.live!.code.append(tail.added);
  }

  /**
   * Finished blocks go into chunks of at most CHUNK_NODES nodes rather than straight into the container: a
   * browser lays out a block container by walking its children, so one container with thousands of blocks
   * makes every append cost more as the answer grows. Chunks keep that walk short, and as they never change
   * again, CSS can let the browser skip the ones off screen (content-visibility, media/chat.css).
   */
  private appendStable(fragment: DocumentFragment): void {
    let chunk = this.chunk;
    if (!chunk || chunk.childNodes.length >= CHUNK_NODES) {
      chunk = document.createElement('div');
      chunk.className = 'md-chunk';
      this.container.append(chunk);
      this.chunk = chunk;
    }
    chunk.append(fragment);
  }

  /** A code block like the renderer's, without colours yet (highlighting waits for the closing fence). */
  private createLiveFence(lang: string): HTMLElement {
    // Its grammar loads while the code streams in, so the block is usually coloured as it closes, not after.
    if (lang) void loadLanguage(lang);
    const block = document.createElement('div');
    block.className = 'code-block streaming';
    if (lang) block.dataset.lang = lang;
    const pre = document.createElement('pre');
    const code = document.createElement('code');
    code.className = 'hljs';
    pre.append(code);
    block.append(pre);
    this.decorate(wrap(block));
    this.container.append(block);
    this.tailNodes = [block];
    return code;
  }

  private replaceTail(html: string): void {
    this.removeTail();
    if (html) this.insertTail(html);
  }

  private insertTail(html: string): void {
    const fragment = renderSafeFragment(html);
    this.decorate(fragment);
    this.tailNodes = [...fragment.childNodes];
    this.container.append(fragment);
  }

  private removeTail(): void {
    for (const node of this.tailNodes) node.remove();
    this.tailNodes = [];
    this.live = undefined;
  }
}

/** decorate() looks for blocks under a root: give a lone block one. */
function wrap(block: HTMLElement): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(block);
  return fragment;
}
