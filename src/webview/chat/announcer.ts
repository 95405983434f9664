import type { ChatTurnStatus, ChatViewStrings } from '../../protocol';
import { el } from '../shared/dom';

// Says once per change, for screen readers, how the last answer stands ("Coze is answering…", "Coze has
// answered.").

export class Announcer {
  readonly element = el('div', 'sr-only');
  private last = '';

  constructor(private readonly t: ChatViewStrings) {
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
  }

  say(status: ChatTurnStatus | undefined): void {
    const key = status ?? '';
    if (key === this.last) return;
    this.last = key;
    const text = this.textFor(status);
    if (text && this.element.textContent !== text) this.element.textContent = text;
  }

  private textFor(status: ChatTurnStatus | undefined): string {
    switch (status) {
      case 'waiting':
      case 'streaming':
        return this.t.answering;
      case 'done':
        return this.t.answered;
      case 'stopped':
        return this.t.stopped;
      case 'failed':
        return this.t.failed;
      default:
        return '';
    }
  }
}
