import type { ChatFixAction, ChatTurnStatus, ChatTurnView, ChatViewStrings } from '../protocol';
import { decorateCodeBlocks, flash, type CodeBlockActions } from './codeBlocks';
import { button, el, format } from './chatDom';
import { renderSafeFragment, renderMarkdownUnsanitized } from './markdown';
import { StreamingMarkdown } from './streamingMarkdown';

// One question and its answer in the chat transcript. The answer is rendered incrementally while it streams
// (StreamingMarkdown); everything else of the turn is small and simply redrawn when the turn changes.

export interface TurnActions extends CodeBlockActions {
  retry(turnId: string): void;
  followUp(question: string): void;
  fix(action: ChatFixAction): void;
}

const BUSY: readonly ChatTurnStatus[] = ['waiting', 'streaming'];

export class TurnView {
  readonly element = el('article', 'turn');
  private readonly questionBody = el('div', 'markdown-body question-body');
  private readonly answerBody = el('div', 'markdown-body answer-body');
  private readonly statusLine = el('div', 'turn-status');
  private readonly errorBox = el('div', 'turn-error');
  private readonly footer = el('div', 'turn-footer');
  private readonly meta = el('span', 'turn-meta');
  private readonly copyButton: HTMLButtonElement;
  private readonly retryButton: HTMLButtonElement;
  private readonly followUpBox = el('nav', 'follow-ups');
  private readonly answer: StreamingMarkdown;
  private renderedQuestion: string | undefined;
  private data: ChatTurnView;
  private signature = '';

  constructor(
    turn: ChatTurnView,
    private readonly t: ChatViewStrings,
    private readonly actions: TurnActions,
  ) {
    this.data = turn;
    this.element.dataset.turnId = turn.id;
    const user = el('section', 'message user');
    user.setAttribute('aria-label', t.you);
    user.append(el('div', 'role', t.you), this.questionBody);
    const bot = el('section', 'message bot');
    bot.append(el('div', 'role', turn.botName ?? t.bot), this.answerBody, this.statusLine, this.errorBox, this.footer, this.followUpBox);
    bot.setAttribute('aria-label', turn.botName ?? t.bot);
    // Screen readers hold back a busy live region and read it once the answer is complete.
    this.answerBody.setAttribute('aria-live', 'polite');
    this.statusLine.setAttribute('role', 'status');
    this.errorBox.setAttribute('role', 'alert');
    this.followUpBox.setAttribute('aria-label', t.followUps);
    this.copyButton = button(t.copyAnswer, 'link-button copy-answer', () => {
      actions.copy(this.data.answer);
      flash(this.copyButton, t.copyAnswer, t.copied);
    });
    this.retryButton = button(t.retry, 'secondary retry', () => actions.retry(this.data.id));
    const buttons = el('span', 'turn-actions');
    buttons.append(this.retryButton, this.copyButton);
    this.footer.append(this.meta, buttons);
    this.element.append(user, bot);
    const decorate = (root: ParentNode) => decorateCodeBlocks(root, t, actions);
    this.answer = new StreamingMarkdown(this.answerBody, decorate);
    this.update(turn, false);
  }

  get id(): string {
    return this.data.id;
  }

  /** Characters of the answer the view has (streamed pieces must continue exactly there). */
  get answerLength(): number {
    return this.data.answer.length;
  }

  update(turn: ChatTurnView, isLast: boolean): void {
    this.data = turn;
    if (turn.question !== this.renderedQuestion) {
      this.renderedQuestion = turn.question;
      const fragment = renderSafeFragment(renderMarkdownUnsanitized(turn.question));
      decorateCodeBlocks(fragment, { copyCode: this.t.copyCode, copied: this.t.copied }, { copy: this.actions.copy });
      this.questionBody.replaceChildren(fragment);
    }
    if (this.answer.source !== turn.answer || (this.answer.isFinished && BUSY.includes(turn.status))) this.answer.set(turn.answer);
    if (!BUSY.includes(turn.status)) this.answer.finish();
    this.renderChrome(isLast);
  }

  /** A streamed piece; false when it does not continue what the view has (the caller asks for the state). */
  progress(offset: number, append: string, status: ChatTurnStatus, statusText: string | undefined): boolean {
    if (offset !== this.data.answer.length) return false;
    this.data = { ...this.data, answer: this.data.answer + append, status, statusText };
    if (append) this.answer.append(append);
    this.renderChrome(true);
    return true;
  }

  /** Status, error, meta, buttons, follow-ups: redrawn only when what they show changed. */
  private renderChrome(isLast: boolean): void {
    const turn = this.data;
    const busy = BUSY.includes(turn.status);
    const signature = JSON.stringify([turn.status, turn.statusText, turn.error, turn.usage, turn.elapsedMs, turn.followUps, isLast, !!turn.answer]);
    if (signature === this.signature) return;
    this.signature = signature;
    this.element.dataset.status = turn.status;
    this.answerBody.setAttribute('aria-busy', String(busy));

    this.statusLine.replaceChildren();
    if (busy && !turn.answer) {
      this.statusLine.append(el('span', 'spinner'), el('span', undefined, turn.statusText ?? this.t.waiting));
    } else if (busy) {
      this.statusLine.append(el('span', 'spinner'));
    } else if (turn.status === 'stopped') {
      this.statusLine.append(el('span', 'note', this.t.stopped));
    } else if (turn.status === 'interrupted') {
      this.statusLine.append(el('span', 'note', this.t.interrupted));
    }

    this.errorBox.replaceChildren();
    if (turn.status === 'failed') {
      this.errorBox.append(el('p', undefined, turn.error?.message ?? this.t.failed));
      const fixes = el('div', 'fixes');
      for (const { action, label } of turn.error?.actions ?? []) {
        fixes.append(button(label, 'primary', () => this.actions.fix(action)));
      }
      if (fixes.childElementCount) this.errorBox.append(fixes);
    }

    const meta: string[] = [];
    if (!busy) {
      meta.push(turn.botName ?? turn.botId);
      if (turn.usage) meta.push(format(this.t.tokens, turn.usage.tokenCount.toLocaleString()));
      if (turn.elapsedMs !== undefined) meta.push(format(this.t.seconds, (turn.elapsedMs / 1000).toFixed(1)));
    }
    this.meta.textContent = meta.join(' · ');
    if (turn.usage) this.meta.title = `${turn.usage.inputCount} + ${turn.usage.outputCount} = ${turn.usage.tokenCount}`;
    this.copyButton.hidden = busy || !turn.answer;
    this.retryButton.hidden = !(turn.status === 'failed' || turn.status === 'stopped' || turn.status === 'interrupted');
    this.footer.hidden = busy;

    this.followUpBox.replaceChildren();
    if (isLast && turn.status === 'done' && turn.followUps.length) {
      for (const question of turn.followUps) {
        this.followUpBox.append(button(question, 'chip', () => this.actions.followUp(question)));
      }
    }
  }
}
