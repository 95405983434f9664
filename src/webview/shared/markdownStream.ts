import type Token from 'markdown-it/lib/token.mjs';
import { fenceLanguage, markdownParser as md } from './markdown';

// Renders a Markdown answer that grows while it streams, at a cost proportional to the new text rather than to
// the whole answer so far (a 200 KB answer arrives in thousands of pieces; re-rendering everything per piece
// is quadratic and visibly stalls near the end).
//
// How: a top-level block that markdown-it has closed can no longer change — later lines start new blocks —
// so its HTML is produced once ("stable") and only the trailing block (the "tail") is parsed again on each
// update. Which blocks are closed is decided by markdown-it itself (token.map line ranges), not by our own
// guess at Markdown's grammar, so the concatenated output equals a one-shot render of the same text, with one
// exception: a link reference definition ([x]: url) only applies to references after it. A top-level fenced
// code block that is still open (the common case of a long code answer) is not re-parsed at all: its new
// lines are scanned for the closing fence and handed over as plain text for the view to append.
//
// Pure (no DOM): the webview sanitizes and inserts the HTML (streamingMarkdown.ts); unit tests run
// this in Node.

export type StreamTail =
  | { kind: 'html'; html: string }
  /**
   * A top-level fenced code block that is still open. `id` identifies it while it grows; `added` is the code
   * that arrived since the previous update (the view appends it as text).
   */
  | { kind: 'code'; id: number; lang: string; added: string };

export interface StreamUpdate {
  /** The text was not an extension of the previous one: drop everything rendered so far first. */
  reset: boolean;
  /** HTML of blocks that became final, in order: append them and never touch them again. */
  stable: string[];
  /** The still-growing last block; replaces the previous tail (or, for the same open fence, extends it). */
  tail: StreamTail;
}

interface OpenFence {
  id: number;
  /** The opening line, with its line break. */
  head: string;
  /** Content lines already checked (none closes the fence), with their line breaks. */
  body: string[];
  bodyLength: number;
  /** Characters of the content (body + partial last line) already handed to the view. */
  sent: number;
  marker: string;
  length: number;
  lang: string;
}

const FENCE_OPEN = /^(`{3,}|~{3,})([^\n]*)$/;

export class MarkdownStream {
  /** Source of the blocks already rendered as stable HTML (joined only when asked for). */
  private done: string[] = [];
  private doneLength = 0;
  /**
   * The source from the start of the last, still-open block (or, inside an open fence, its unchecked last
   * line). Only this string is searched and parsed, so the cost of an update does not grow with the answer: a
   * string grown by appending is a rope in V8, and searching it copies it whole.
   */
  private tail = '';
  private fence: OpenFence | undefined;
  /** markdown-it's env: link reference definitions found so far stay known to later blocks. */
  private env: Record<string, unknown> = {};
  private pendingCR = false;

  /** The text rendered so far. */
  get source(): string {
    if (this.done.length > 1) this.done = [this.done.join('')];
    return (this.done[0] ?? '') + this.openSource();
  }

  /** Renders `text`, the whole answer so far: incrementally when it extends the text rendered, else afresh. */
  update(text: string): StreamUpdate {
    const normalized = normalize(text);
    const current = this.source;
    if (normalized.startsWith(current)) return this.append(normalized.slice(current.length));
    this.done = [];
    this.doneLength = 0;
    this.tail = '';
    this.fence = undefined;
    this.env = {};
    this.pendingCR = false;
    return { ...this.append(normalized), reset: true };
  }

  /** Adds `delta` at the end of the text: the streaming path. */
  append(delta: string): StreamUpdate {
    // A "\r" at the end of one piece and "\n" at the start of the next are one line break: hold it back.
    let piece = this.pendingCR ? `\r${delta}` : delta;
    this.pendingCR = piece.endsWith('\r');
    if (this.pendingCR) piece = piece.slice(0, -1);
    this.tail += normalize(piece);
    const stable: string[] = [];
    for (;;) {
      const f = this.fence;
      if (f) {
        const closed = this.scanFence(f);
        if (!closed) return { reset: false, stable, tail: { kind: 'code', id: f.id, lang: f.lang, added: this.unsentCode(f) } };
        // The fence closed: render it once, highlighted, and go on with what follows.
        const source = f.head + f.body.join('') + closed;
        stable.push(md.render(source, this.env));
        this.done.push(source);
        this.doneLength += source.length;
        this.fence = undefined;
        continue;
      }
      const tokens = md.parse(this.tail, this.env);
      const blocks = topLevelBlocks(tokens);
      if (blocks.length === 0) return { reset: false, stable, tail: { kind: 'html', html: '' } };
      // Every block but the last is closed — provided the last block's first line is complete: "3" after a
      // list is a paragraph that closes the list, but "3. third" would have continued it.
      let open = blocks.length - 1;
      const lastStart = lineOffset(this.tail, blocks[open]!.line);
      if (open > 0 && this.tail.indexOf('\n', lastStart) < 0) open--;
      const cut = blocks[open]!;
      if (open > 0) stable.push(md.renderer.render(tokens.slice(0, cut.from), md.options, this.env));
      this.settle(open === blocks.length - 1 ? lastStart : lineOffset(this.tail, cut.line));
      if (open === blocks.length - 1 && tokens[cut.from]!.type === 'fence' && this.openFence()) continue; // scan it for its end
      return { reset: false, stable, tail: { kind: 'html', html: md.renderer.render(tokens.slice(cut.from), md.options, this.env) } };
    }
  }

  /** The final rendering of the open block, once no more text will come (an open fence is highlighted now). */
  finish(): string {
    return md.render(this.openSource() + (this.pendingCR ? '\n' : ''), this.env);
  }

  private openSource(): string {
    return this.fence ? this.fence.head + this.fence.body.join('') + this.tail : this.tail;
  }

  /** Moves the first `offset` characters of the tail to the stable part. */
  private settle(offset: number): void {
    if (offset === 0) return;
    this.done.push(this.tail.slice(0, offset));
    this.doneLength += offset;
    this.tail = this.tail.slice(offset);
  }

  /**
   * An unindented fence opening the tail is tracked line by line from now on, never re-parsed. Indented fences
   * (1–3 spaces) strip that indentation from their lines, so they keep the general path.
   */
  private openFence(): boolean {
    const end = this.tail.indexOf('\n');
    if (end < 0) return false; // the opening line itself is not complete yet
    const m = FENCE_OPEN.exec(this.tail.slice(0, end));
    if (!m) return false;
    const marker = m[1]!;
    if (marker[0] === '`' && m[2]!.includes('`')) return false; // not a fence (CommonMark: no ` in a ``` info)
    this.fence = {
      id: this.doneLength,
      head: this.tail.slice(0, end + 1),
      body: [],
      bodyLength: 0,
      sent: 0,
      marker: marker[0]!,
      length: marker.length,
      lang: fenceLanguage(m[2]!),
    };
    this.tail = this.tail.slice(end + 1);
    return true;
  }

  /**
   * Moves the complete lines of the tail into the fence's body; returns the closing line (the tail is then
   * what follows it), or undefined while the fence stays open.
   */
  private scanFence(f: OpenFence): string | undefined {
    let start = 0;
    for (;;) {
      const end = this.tail.indexOf('\n', start);
      if (end < 0) break; // a closing line counts only once it ends: "```" could still become "```js"
      const line = this.tail.slice(start, end + 1);
      if (isClosingFence(line.slice(0, -1), f.marker, f.length)) {
        this.tail = this.tail.slice(end + 1);
        return line;
      }
      f.body.push(line);
      f.bodyLength += line.length;
      start = end + 1;
    }
    this.tail = this.tail.slice(start);
    return undefined;
  }

  /** The fence content that arrived since the view last got some: a suffix of body + tail, built from the end. */
  private unsentCode(f: OpenFence): string {
    const total = f.bodyLength + this.tail.length;
    const want = total - f.sent;
    f.sent = total;
    if (want <= 0) return '';
    const parts = [this.tail];
    let have = this.tail.length;
    for (let i = f.body.length - 1; i >= 0 && have < want; i--) {
      parts.unshift(f.body[i]!);
      have += f.body[i]!.length;
    }
    const joined = parts.join('');
    return joined.slice(joined.length - want);
  }
}

/** markdown-it's own normalization of line breaks and NUL (its first core rule), so that offsets agree. */
function normalize(text: string): string {
  return /[\r\0]/.test(text) ? text.replace(/\r\n?/g, '\n').replace(/\0/g, '\uFFFD') : text;
}

/** A closing fence: up to 3 spaces, at least `length` of `marker`, then only whitespace (CommonMark 4.5). */
export function isClosingFence(line: string, marker: string, length: number): boolean {
  let i = 0;
  while (i < 3 && line[i] === ' ') i++;
  let n = 0;
  while (line[i + n] === marker) n++;
  return n >= length && line.slice(i + n).trim() === '';
}

interface Block {
  /** Index of the block's first token. */
  from: number;
  /** Its first line within the parsed text. */
  line: number;
}

/** The top-level blocks of a token stream: tokens at level 0 that open a block or stand alone. */
function topLevelBlocks(tokens: Token[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.level === 0 && t.nesting !== -1 && t.map) blocks.push({ from: i, line: t.map[0] });
  }
  return blocks;
}

/** The offset of line `line` (0-based) in `text`. */
function lineOffset(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}
