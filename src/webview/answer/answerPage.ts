import type { AnswerViewState, AnswerViewStrings, AnswerViewToHost } from '../../protocol';
import { button, el } from '../shared/dom';
import { isBusy, TurnRenderer, type TurnOptions } from '../shared/turn';
import { QuestionBox } from './question';
import { turnOfState } from './turnOfState';
import { WorkflowNote } from './workflowNote';

// The answer panel: one question and its answer, drawn by the shared turn renderer in the panel's layout.
// The host sends the whole state on every update (at most every 40 ms while streaming); the renderer extends
// the answer by what was added, so an update costs in proportion to the new text, not to the answer.

/** The panel's design: the elapsed time stays beside the spinner, follow-ups are labelled, the footer stays. */
const PANEL: TurnOptions = { statusTextWhileStreaming: true, labelFollowUps: true, footerWhileBusy: true };

export interface AnswerHost {
  post(message: AnswerViewToHost): void;
  /** Saved so that the panel comes back after a window reload. */
  setState(state: AnswerViewState): void;
}

export class AnswerPage {
  private readonly renderer: TurnRenderer;
  private readonly continueInChat: HTMLButtonElement;
  private readonly question: QuestionBox;
  private readonly workflowNote: WorkflowNote;

  constructor(
    app: HTMLElement,
    private readonly t: AnswerViewStrings,
    private readonly host: AnswerHost,
  ) {
    const question = new QuestionBox(t);
    const thinking = el('details');
    const answer = el('main', 'answer markdown-body');
    const status = el('div', 'status');
    const error = el('div', 'error');
    const followUps = el('nav', 'follow-ups');
    const footer = el('footer', 'meta');
    const meta = el('span', 'meta-text');
    const copy = button(t.copyAnswer, 'secondary');
    // The question and answer (and Coze's conversation) move to the chat, to go on from there.
    this.continueInChat = button(t.continueInChat, 'secondary continue-in-chat', () => host.post({ type: 'continueInChat' }));
    const footerButtons = el('span', 'footer-buttons');
    footerButtons.append(this.continueInChat, copy);
    footer.append(meta, footerButtons);
    app.append(question.element, thinking, answer, status, error, followUps, footer);
    this.question = question;
    this.workflowNote = new WorkflowNote(t);
    status.after(this.workflowNote.element);

    this.renderer = new TurnRenderer(
      { showQuestion: (text) => question.show(text), thinking, answer, status, error, meta, copy, footer, followUps, retry: 'inline' },
      PANEL,
      // The panel has no 'interrupted' (no phase maps to it) and no "{0} s" string of its own.
      { ...t, interrupted: t.stopped, seconds: '{0} s' },
      {
        copy: (text) => host.post({ type: 'copy', text }),
        apply: (code) => host.post({ type: 'applyCode', code }),
        retry: () => host.post({ type: 'retry' }),
        fix: (action) => host.post({ type: 'fixAction', action }),
        followUp: (q) => host.post({ type: 'askFollowUp', question: q }),
      },
    );
  }

  render(state: AnswerViewState): void {
    this.host.setState(state);
    const turn = turnOfState(state, this.t);
    this.renderer.update(turn, true);
    document.body.dataset.phase = state.phase;
    this.continueInChat.hidden = isBusy(turn.status) || !state.question || !!state.workflow;
    // A workflow run's "question" is its parameters.
    this.question.setLabel(state.workflow ? this.t.parameters : this.t.question);
    this.workflowNote.show(state.workflow);
  }
}
