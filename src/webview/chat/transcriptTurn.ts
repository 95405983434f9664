import type { ChatFixAction, ChatTurnStatus, ChatTurnView, ChatViewStrings } from '../../protocol';
import { decorateCodeBlocks, type CodeBlockActions } from '../shared/codeBlocks';
import { button, el } from '../shared/dom';
import { showMarkdown } from '../shared/streamingMarkdown';
import { AttachmentChips } from './attachmentChips';
import { TurnRenderer, type ReasoningPiece, type Turn, type TurnOptions } from '../shared/turn';

// One question and its answer in the chat transcript: the chat's layout of the shared turn renderer.

/** The chat's design: a quiet spinner once text streams, bare chips, no footer until the answer is complete. */
const CHAT: TurnOptions = { statusTextWhileStreaming: false, labelFollowUps: false, footerWhileBusy: false };

export interface TurnActions extends CodeBlockActions {
  retry(turnId: string): void;
  followUp(question: string): void;
  fix(action: ChatFixAction): void;
  /** Apply on a code block of this turn's answer (the host knows what the turn's question quoted). */
  applyCode(turnId: string, code: string): void;
}

export class TranscriptTurn {
  readonly element = el('article', 'turn');
  private readonly renderer: TurnRenderer;
  /** The files sent with the question. */
  private readonly files: AttachmentChips;
  /** Who answers: the bot's name (or "Coze"), above the answer. */
  private readonly botRole = el('div', 'role');
  private readonly botSection: HTMLElement;

  constructor(
    turn: ChatTurnView,
    private readonly t: ChatViewStrings,
    actions: TurnActions,
  ) {
    this.element.dataset.turnId = turn.id;
    const questionBody = el('div', 'markdown-body question-body');
    const thinking = el('details');
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
    this.files = new AttachmentChips(t.attachedFiles, 'turn-attachments', t);
    user.append(el('div', 'role', t.you), questionBody, this.files.element);
    const bot = el('section', 'message bot');
    this.botSection = bot;
    bot.append(this.botRole, thinking, answer, status, error, footer, followUps);
    const buttons = el('span', 'turn-actions');
    buttons.append(retry, copy);
    footer.append(meta, buttons);
    this.element.append(user, bot);

    const showQuestion = (question: string) => {
      // The user's own Markdown, rendered like an answer (code blocks get Copy, not Insert).
      showMarkdown(questionBody, question, (root) => decorateCodeBlocks(root, { copyCode: t.copyCode, copied: t.copied }, { copy: actions.copy }));
    };
    this.renderer = new TurnRenderer({ showQuestion, thinking, answer, status, error, meta, copy, footer, followUps, retry }, CHAT, t, {
      copy: actions.copy,
      insert: actions.insert,
      apply: (code) => actions.applyCode(turn.id, code),
      retry: () => actions.retry(turn.id),
      followUp: actions.followUp,
      fix: actions.fix,
    });
    this.update(turn, false);
  }

  update(turn: ChatTurnView, isLast: boolean): void {
    // The bot's name can become known after the turn was drawn (src/bots/botNames.ts looks it up).
    const who = turn.botName ?? this.t.bot;
    if (this.botRole.textContent !== who) {
      this.botRole.textContent = who;
      this.botSection.setAttribute('aria-label', who);
    }
    this.renderer.update(toTurn(turn), isLast);
    this.files.update(turn.attachments ?? []);
    this.showStatus(turn.status);
  }

  /** A streamed piece; false when it does not continue what the view has (the caller asks for the state). */
  progress(offset: number, append: string, status: ChatTurnStatus, statusText: string | undefined, reasoning?: ReasoningPiece): boolean {
    if (!this.renderer.extend(offset, append, status, statusText, reasoning)) return false;
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
