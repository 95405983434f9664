import type { ChatFixAction, ChatTurnStatus, Usage } from '../../protocol';
import { decorateCodeBlocks, type CodeBlockActions, type CodeBlockStrings } from './codeBlocks';
import { button, el, flash, format } from './dom';
import { SectionedMarkdown } from './sectionedMarkdown';
import type { SectionStart } from './sections';
import { StreamingMarkdown } from './streamingMarkdown';
import { summaryCarriesStatus, type ThinkingStrings } from './thinking';
import { ThinkingBlock } from './thinkingBlock';

// One question and its answer, as both views show it: the answer rendered incrementally while it grows
// (StreamingMarkdown), and around it the status line, the error with its fixes, the bot · tokens · time line,
// Copy answer, Retry and the follow-up chips; above the answer, a deep-thinking model's reasoning in its
// Thinking block (thinkingBlock.ts), never part of the answer (Copy answer copies the answer only). Each view builds its own layout of these parts (their classes
// and order differ, and so does the stylesheet) and hands them over; how the views differ in what the parts
// show is in TurnOptions.

/**
 * How a turn stands, in the one vocabulary of this renderer: the chat's. The answer panel maps its phase onto
 * it in one place (answer/turnOfState.ts).
 */
export type TurnStatus = ChatTurnStatus;

export interface Turn {
  question: string;
  /** The answer so far, Markdown (untrusted bot output). */
  answer: string;
  status: TurnStatus;
  /** Shown beside the spinner while busy ("Thinking · 3 s"). */
  statusText?: string | undefined;
  /** The message as the host words it (with Coze's code and logid); fixes the user can apply. */
  error?: { message: string; actions?: ReadonlyArray<{ action: ChatFixAction; label: string }> } | undefined;
  followUps: readonly string[];
  /** Who answered, first on the meta line ("Bot 7445…", "Coze"); empty: nobody is named. */
  botLabel: string;
  usage?: Usage | undefined;
  elapsedMs?: number | undefined;
  /** A deep-thinking model's reasoning so far, Markdown (untrusted bot output); none when absent or ''. */
  reasoning?: string | undefined;
  /** How long the model thought before its answer began. */
  reasoningMs?: number | undefined;
  /** A workflow run's answer is its nodes' output: where each node starts in `answer`, shown under its title. */
  sections?: readonly SectionStart[] | undefined;
  /** false: no Retry under this turn, though it ended without an answer (the host decides; the chat's rules). */
  canRetry?: boolean | undefined;
}

/** A streamed piece of the reasoning: `append` continues it after its first `offset` characters. */
export interface ReasoningPiece {
  offset?: number | undefined;
  append?: string | undefined;
  ms?: number | undefined;
}

export interface TurnStrings extends CodeBlockStrings, ThinkingStrings {
  waiting: string;
  stopped: string;
  interrupted: string;
  failed: string;
  retry: string;
  copyAnswer: string;
  followUps: string;
  /** "{0} tokens" */
  tokens: string;
  /** "{0} s" */
  seconds: string;
}

export interface TurnActions extends CodeBlockActions {
  retry(): void;
  followUp(question: string): void;
  fix?(action: ChatFixAction): void;
}

/** The elements of a view's layout the renderer fills in. */
export interface TurnParts {
  /** Shows the question: the views render it differently (Markdown in the chat, collapsible text in the panel). */
  showQuestion(question: string): void;
  /** Above the answer: the renderer makes it the Thinking block. */
  thinking: HTMLDetailsElement;
  answer: HTMLElement;
  status: HTMLElement;
  error: HTMLElement;
  /** The bot · tokens · time line. */
  meta: HTMLElement;
  copy: HTMLButtonElement;
  /** Holds the meta line and the buttons. */
  footer: HTMLElement;
  followUps: HTMLElement;
  /**
   * Retry: a button of the layout's, shown whenever the turn can be retried; or 'inline', made where the note
   * or the error that calls for it is (in the status line after "Stopped", in the error box after the message).
   */
  retry: HTMLButtonElement | 'inline';
}

/** Where the two views' designs differ. */
export interface TurnOptions {
  /** The status text stays beside the spinner while the answer streams, not only until its first text. */
  statusTextWhileStreaming: boolean;
  /** The follow-up chips get a visible label before them. */
  labelFollowUps: boolean;
  /** The footer (bot, tokens, Copy answer) stays visible while the answer streams. */
  footerWhileBusy: boolean;
}

const BUSY: ReadonlySet<TurnStatus> = new Set(['waiting', 'streaming']);
const RETRYABLE: ReadonlySet<TurnStatus> = new Set(['failed', 'stopped', 'interrupted']);

export function isBusy(status: TurnStatus): boolean {
  return BUSY.has(status);
}

export class TurnRenderer {
  private readonly markdown: StreamingMarkdown;
  /** Instead of `markdown` for a turn with sections (a panel shows either kind, never both). */
  private sectioned: SectionedMarkdown | undefined;
  private readonly thinking: ThinkingBlock;
  private turn: Turn | undefined;
  private isLast = false;
  private shownQuestion: string | undefined;
  /** The answer text given to the Markdown renderer so far. */
  private shownAnswer = '';
  private signature = '';

  constructor(
    private readonly parts: TurnParts,
    private readonly options: TurnOptions,
    private readonly t: TurnStrings,
    private readonly actions: TurnActions,
  ) {
    // Screen readers hold back a busy live region and read it once the answer is complete.
    parts.answer.setAttribute('aria-live', 'polite');
    parts.answer.setAttribute('aria-busy', 'false');
    parts.status.setAttribute('role', 'status');
    parts.error.setAttribute('role', 'alert');
    parts.followUps.setAttribute('aria-label', t.followUps);
    parts.copy.addEventListener('click', () => {
      actions.copy(this.turn?.answer ?? '');
      flash(parts.copy, t.copyAnswer, t.copied);
    });
    if (parts.retry !== 'inline') parts.retry.addEventListener('click', () => actions.retry());
    this.markdown = new StreamingMarkdown(parts.answer, (root) => decorateCodeBlocks(root, t, actions));
    // Code in the reasoning can be copied, but not inserted: what goes into the editor is the answer's.
    this.thinking = new ThinkingBlock(parts.thinking, t, (root) => decorateCodeBlocks(root, t, { copy: actions.copy }));
  }

  /** The turn as last shown. */
  get current(): Turn | undefined {
    return this.turn;
  }

  /** Shows `turn`; only what changed is redrawn, and an answer that grew is extended rather than re-rendered. */
  update(turn: Turn, isLast: boolean): void {
    this.turn = turn;
    this.isLast = isLast;
    if (turn.question !== this.shownQuestion) {
      this.shownQuestion = turn.question;
      this.parts.showQuestion(turn.question);
    }
    if (turn.sections) {
      this.sectioned ??= new SectionedMarkdown(this.parts.answer, (root) => decorateCodeBlocks(root, this.t, this.actions));
      this.sectioned.update(turn.answer, turn.sections, isBusy(turn.status));
    }
    const shown = this.shownAnswer;
    if (!turn.sections && (turn.answer !== shown || (this.markdown.isFinished && isBusy(turn.status)))) {
      if (!this.markdown.isFinished && turn.answer.startsWith(shown)) this.markdown.append(turn.answer.slice(shown.length));
      else this.markdown.set(turn.answer);
      this.shownAnswer = turn.answer;
    }
    this.thinking.set(turn.reasoning ?? '');
    this.settle();
  }

  /**
   * A streamed piece: `append` continues the answer after its first `offset` characters. False when that is
   * not where the answer shown ends (the caller then asks for the whole state again).
   */
  extend(offset: number, append: string, status: TurnStatus, statusText: string | undefined, reasoning: ReasoningPiece = {}): boolean {
    const turn = this.turn;
    if (!turn || offset !== turn.answer.length) return false;
    const reasoningGrew = reasoning.append !== undefined;
    if (reasoningGrew && reasoning.offset !== this.thinking.text.length) return false;
    if (reasoningGrew) this.thinking.extend(reasoning.append!);
    this.turn = { ...turn, answer: turn.answer + append, status, statusText, reasoning: this.thinking.text, reasoningMs: reasoning.ms ?? turn.reasoningMs };
    if (append) {
      // Straight to the renderer: comparing the grown answer with the old one would copy it whole per piece.
      if (this.markdown.isFinished) this.markdown.set(this.turn.answer);
      else this.markdown.append(append);
      this.shownAnswer = this.turn.answer;
    }
    this.settle();
    return true;
  }

  private settle(): void {
    const turn = this.turn!;
    if (!isBusy(turn.status)) this.markdown.finish();
    this.thinking.settle(turn.answer, isBusy(turn.status), turn.reasoningMs, turn.statusText);
    this.renderChrome();
  }

  /** Status, error, meta, buttons, follow-ups: small, and redrawn only when what they show changed. */
  private renderChrome(): void {
    const turn = this.turn!;
    const { parts, options, t } = this;
    const busy = isBusy(turn.status);
    const retryable = RETRYABLE.has(turn.status) && turn.canRetry !== false;
    // While the model thinks, the Thinking block's summary says "Thinking · 3 s": the status line would repeat it.
    const statusInThinking = busy && summaryCarriesStatus(this.thinking.phase);
    const signature = JSON.stringify([turn.status, turn.statusText, turn.error, turn.usage, turn.elapsedMs, turn.followUps, turn.botLabel, this.isLast, !!turn.answer, turn.canRetry, statusInThinking]);
    if (signature === this.signature) return;
    this.signature = signature;
    parts.answer.setAttribute('aria-busy', String(busy));

    parts.status.replaceChildren();
    // No spinner either then: the summary's time ticking and the reasoning streaming show the model at work.
    parts.status.hidden = statusInThinking;
    if (busy && !statusInThinking) {
      parts.status.append(el('span', 'spinner'));
      if (!turn.answer || options.statusTextWhileStreaming) parts.status.append(el('span', undefined, turn.statusText ?? t.waiting));
    } else if (turn.status === 'stopped' || turn.status === 'interrupted') {
      parts.status.append(el('span', `note ${turn.status}`, turn.status === 'stopped' ? t.stopped : t.interrupted));
      if (parts.retry === 'inline' && retryable) parts.status.append(this.inlineRetry('secondary'));
    }

    parts.error.replaceChildren();
    if (turn.status === 'failed') {
      parts.error.append(el('p', undefined, turn.error?.message ?? t.failed));
      const fixes = el('div', 'fixes');
      for (const { action, label } of turn.error?.actions ?? []) {
        fixes.append(button(label, 'primary', () => this.actions.fix?.(action)));
      }
      if (fixes.childElementCount) parts.error.append(fixes);
      if (parts.retry === 'inline' && retryable) parts.error.append(this.inlineRetry('primary'));
    }

    const footer = !busy || options.footerWhileBusy;
    const meta: string[] = [];
    if (footer) {
      if (turn.botLabel) meta.push(turn.botLabel);
      if (turn.usage) meta.push(format(t.tokens, turn.usage.tokenCount.toLocaleString()));
      if (!busy && turn.elapsedMs !== undefined) meta.push(format(t.seconds, (turn.elapsedMs / 1000).toFixed(1)));
    }
    parts.meta.textContent = meta.join(' · ');
    if (turn.usage) parts.meta.title = `${turn.usage.inputCount} + ${turn.usage.outputCount} = ${turn.usage.tokenCount}`;
    else parts.meta.removeAttribute('title');
    parts.copy.hidden = !footer || !turn.answer;
    if (parts.retry !== 'inline') parts.retry.hidden = !retryable;
    parts.footer.hidden = !footer;

    parts.followUps.replaceChildren();
    if (this.isLast && turn.status === 'done' && turn.followUps.length) {
      if (options.labelFollowUps) parts.followUps.append(el('span', 'label', t.followUps));
      for (const question of turn.followUps) {
        parts.followUps.append(button(question, 'chip', () => this.actions.followUp(question)));
      }
    }
  }

  private inlineRetry(kind: 'primary' | 'secondary'): HTMLButtonElement {
    return button(this.t.retry, `${kind} retry`, () => this.actions.retry());
  }
}
