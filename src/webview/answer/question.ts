import { button, el } from '../shared/dom';

// The question at the top of the answer panel: as typed (plain text, it may be a pasted selection), folded
// when long, with Show more / Show less.

export interface QuestionStrings {
  question: string;
  showMore: string;
  showLess: string;
}

export class QuestionBox {
  readonly element = el('section', 'question');
  private readonly text = el('div', 'question-text');
  private readonly label: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private expanded = false;

  constructor(t: QuestionStrings) {
    this.toggle = button(t.showMore, 'link-button', () => {
      this.expanded = !this.expanded;
      this.element.classList.toggle('collapsed', !this.expanded);
      this.toggle.textContent = this.expanded ? t.showLess : t.showMore;
    });
    this.label = el('div', 'label', t.question);
    this.element.append(this.label, this.text, this.toggle);
  }

  /** "Question", or "Parameters" above a workflow run's. */
  setLabel(label: string): void {
    if (this.label.textContent !== label) this.label.textContent = label;
  }

  show(question: string): void {
    this.text.textContent = question;
    const long = question.length > 400 || question.split('\n').length > 8;
    this.toggle.hidden = !long;
    this.element.classList.toggle('collapsed', long && !this.expanded);
  }
}
