import { el } from './dom';
import { StreamingMarkdown } from './streamingMarkdown';
import { thinkingOpen, thinkingPhase, thinkingSummary, type ThinkingPhase, type ThinkingStrings } from './thinking';

// A deep-thinking model's reasoning, above its answer, in a <details> element (keyboard and screen readers
// know it as a disclosure): open while the model thinks, collapsed once the answer starts, and left as the
// user set it once they toggled it (the decisions are in thinking.ts).
//
// The reasoning is rendered like the answer: bot output, so sanitized Markdown through the same incremental
// renderer. Reasoning models write Markdown (lists, code) and the renderer costs in proportion to the new text,
// so plain text would save nothing worth having and would show code as a run of backticks.
//
// Stable hooks for the browser tests: details.thinking, hidden without reasoning, [open] when open,
// data-phase="thinking"|"thought", data-user-choice="open"|"closed" once the user toggled it.

export class ThinkingBlock {
  private readonly summary = el('summary', 'thinking-summary');
  private readonly body = el('div', 'thinking-body markdown-body');
  private readonly markdown: StreamingMarkdown;
  /** The reasoning given to the renderer so far. */
  private shown = '';
  /** The user's own open/closed choice, once they made one. */
  private userChoice: boolean | undefined;
  /** What this code last set `open` to: a toggle to anything else is the user's. */
  private autoOpen = false;
  private signature = '';
  private shownPhase: ThinkingPhase = 'none';

  constructor(
    private readonly details: HTMLDetailsElement,
    private readonly t: ThinkingStrings,
    decorate: (root: ParentNode) => void,
  ) {
    details.classList.add('thinking');
    details.hidden = true;
    details.append(this.summary, this.body);
    this.markdown = new StreamingMarkdown(this.body, decorate);
    // 'toggle' also fires (later, as a task) for changes made here: those match autoOpen and are not a choice.
    details.addEventListener('toggle', () => {
      if (details.open === this.autoOpen) return;
      this.autoOpen = details.open;
      this.userChoice = details.open;
      details.dataset.userChoice = details.open ? 'open' : 'closed';
    });
  }

  get text(): string {
    return this.shown;
  }

  /** As last settled: 'thinking' while the model reasons and no answer text has come (the summary then has the status). */
  get phase(): ThinkingPhase {
    return this.shownPhase;
  }

  /** The whole reasoning; extended when it extends what is shown, else drawn anew (and the user's choice forgotten). */
  set(reasoning: string): void {
    if (reasoning === this.shown) return;
    if (reasoning.startsWith(this.shown)) {
      this.extend(reasoning.slice(this.shown.length));
      return;
    }
    // Another reasoning (the turn was asked again): it starts as a new one would.
    this.userChoice = undefined;
    delete this.details.dataset.userChoice;
    this.markdown.set(reasoning);
    this.shown = reasoning;
  }

  /** A streamed piece, straight to the renderer. */
  extend(append: string): void {
    if (!append) return;
    this.shown += append;
    if (this.markdown.isFinished) this.markdown.set(this.shown);
    else this.markdown.append(append);
  }

  /**
   * Shows, opens or collapses the block and words its summary for the turn as it now stands; `statusText` is the
   * turn's status line ("Thinking · 3 s"), which the summary carries while the model thinks.
   */
  settle(answer: string, busy: boolean, reasoningMs: number | undefined, statusText?: string): void {
    const phase = thinkingPhase(this.shown, answer, busy);
    this.shownPhase = phase;
    // The answer has begun, or the turn ended: no more reasoning comes, its last block gets its final form.
    if (phase === 'thought') this.markdown.finish();
    const open = thinkingOpen(phase, this.userChoice);
    const status = phase === 'thinking' ? statusText : undefined;
    const signature = JSON.stringify([phase, open, reasoningMs, status]);
    if (signature === this.signature) return;
    this.signature = signature;
    this.show(phase, open, reasoningMs, status);
  }

  private show(phase: ThinkingPhase, open: boolean, reasoningMs: number | undefined, statusText: string | undefined): void {
    const { details } = this;
    details.hidden = phase === 'none';
    if (phase === 'none') {
      delete details.dataset.phase;
      return;
    }
    details.dataset.phase = phase;
    details.setAttribute('aria-busy', String(phase === 'thinking'));
    this.summary.textContent = thinkingSummary(phase, reasoningMs, this.t, statusText);
    if (details.open !== open) {
      this.autoOpen = open;
      details.open = open;
    }
  }
}
