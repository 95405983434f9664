import { button, format } from '../shared/dom';

// The two buttons around the turns a long conversation renders (turnWindow.ts): "Show 40 earlier turns" above,
// "Show 3 later turns" below (after jumping to an old turn). Scrolling near one brings its page in, through an
// IntersectionObserver on the button; a keyboard user Tabs to it and presses it (the first of the turns it
// brought in then takes the focus). Hidden when there is nothing more that way. A page the observer asks for
// is rendered when the page is idle: opening a conversation paints its newest turns first, and scrolling
// stays smooth while the next page comes in.

export interface PagerActions {
  earlier(byKeyboard: boolean): void;
  later(byKeyboard: boolean): void;
}

/** How far outside the visible part of the transcript a button may be when its page starts to load. */
const PRELOAD_MARGIN = '1200px 0px';

export class TurnPager {
  readonly earlierButton: HTMLButtonElement;
  readonly laterButton: HTMLButtonElement;
  private readonly observer: IntersectionObserver;
  private readonly scheduled = new Set<'earlier' | 'later'>();

  constructor(
    root: HTMLElement,
    private readonly t: { earlierTurns: string; laterTurns: string },
    actions: PagerActions,
  ) {
    // A click with the mouse reports detail 1+; Enter or Space on the focused button reports 0.
    this.earlierButton = button('', 'secondary turns-pager earlier-turns', (event) => actions.earlier(event.detail === 0));
    this.laterButton = button('', 'secondary turns-pager later-turns', (event) => actions.later(event.detail === 0));
    this.earlierButton.hidden = true;
    this.laterButton.hidden = true;
    this.observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting || (entry.target as HTMLElement).hidden) continue;
          const which = entry.target === this.earlierButton ? 'earlier' : 'later';
          if (this.scheduled.has(which)) continue;
          this.scheduled.add(which);
          whenIdle(() => {
            this.scheduled.delete(which);
            actions[which](false);
          });
        }
      },
      { root, rootMargin: PRELOAD_MARGIN },
    );
    this.observer.observe(this.earlierButton);
    this.observer.observe(this.laterButton);
  }

  /** Turns not rendered before and after the window. */
  update(before: number, after: number): void {
    this.set(this.earlierButton, before, this.t.earlierTurns);
    this.set(this.laterButton, after, this.t.laterTurns);
  }

  private set(target: HTMLButtonElement, count: number, label: string): void {
    const wasShown = !target.hidden;
    target.hidden = count === 0;
    const text = format(label, count);
    if (target.textContent !== text) target.textContent = text;
    // Still in reach after its page came in (a short page, a tall window): observing it afresh reports it again.
    if (count > 0 && wasShown) {
      this.observer.unobserve(target);
      this.observer.observe(target);
    }
  }
}

/** Runs `task` when the page has nothing else to do (soon in any case). */
function whenIdle(task: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(task, { timeout: 300 });
  else setTimeout(task, 50);
}
