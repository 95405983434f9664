import type { ChatFixAction, ChatTurnStatus, ChatTurnView, ChatViewStrings } from '../../protocol';
import { decorateCodeBlocks, type CodeBlockActions } from '../shared/codeBlocks';
import { button, el } from '../shared/dom';
import { renderMarkdownUnsanitized, renderSafeFragment } from '../shared/markdown';
import { TurnRenderer, type Turn, type TurnOptions } from '../shared/turn';

// One question and its answer in the chat transcript: the chat's layout of the shared turn renderer.

/** The chat's design: a quiet spinner once text streams, bare chips, no footer until the answer is complete. */
const CHAT: TurnOptions = { statusTextWhileStreaming: false, labelFollowUps: false, footerWhileBusy: false };

export interface TurnActions extends CodeBlockActions {
  retry(turnId: string): void;
  followUp(question: string): void;
  fix(action: ChatFixAction): void;
}

export class TranscriptTurn {
  readonly element = el('article', 'turn');
  private readonly renderer: TurnRenderer;

  constructor(turn: ChatTurnView, t: ChatViewStrings, actions: TurnActions) {
    this.element.dataset.turnId = turn.id;
    const questionBody = el('div', 'markdown-body question-body');
    const answer = el('div', 'markdown-body answer-body');
    const status = el('div', 'turn-status');
    const error = el('div', 'turn-error');
    const footer = el('div', 'turn-footer');
    const meta = el('span', 'turn-meta');
    const copy = button(t.copyAnswer, 'link-button copy-answer');
    const retry = button(t.retry, 'secondary retry');
    const followUps = el('nav', 'follow-ups');

    const user = el('section', 'message user');
    user.setAttribute('aria-label', t.you);
    user.append(el('div', 'role', t.you), questionBody);
    const bot = el('section', 'message bot');
    bot.setAttribute('aria-label', turn.botName ?? t.bot);
    bot.append(el('div', 'role', turn.botName ?? t.bot), answer, status, error, footer, followUps);
    const buttons = el('span', 'turn-actions');
    buttons.append(retry, copy);
    footer.append(meta, buttons);
    this.element.append(user, bot);

    const showQuestion = (question: string) => {
      // The user's own Markdown, rendered like an answer (code blocks get Copy, not Insert).
      const fragment = renderSafeFragment(renderMarkdownUnsanitized(question));
      decorateCodeBlocks(fragment, { copyCode: t.copyCode, copied: t.copied }, { copy: actions.copy });
      questionBody.replaceChildren(fragment);
    };
    this.renderer = new TurnRenderer({ showQuestion, answer, status, error, meta, copy, footer, followUps, retry }, CHAT, t, {
      copy: actions.copy,
      insert: actions.insert,
      retry: () => actions.retry(turn.id),
      followUp: actions.followUp,
      fix: actions.fix,
    });
    this.update(turn, false);
  }

  update(turn: ChatTurnView, isLast: boolean): void {
    this.renderer.update(toTurn(turn), isLast);
    this.showStatus(turn.status);
  }

  /** A streamed piece; false when it does not continue what the view has (the caller asks for the state). */
  progress(offset: number, append: string, status: ChatTurnStatus, statusText: string | undefined): boolean {
    if (!this.renderer.extend(offset, append, status, statusText)) return false;
    this.showStatus(status);
    return true;
  }

  private showStatus(status: ChatTurnStatus): void {
    if (this.element.dataset.status !== status) this.element.dataset.status = status;
  }
}

function toTurn(turn: ChatTurnView): Turn {
  return { ...turn, botLabel: turn.botName ?? turn.botId };
}
