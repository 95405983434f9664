// Abortable waits and the per-question deadline. Every timer made here is cleared when its wait ends or aborts,
// so a finished or canceled question leaves nothing behind to keep the process (or the extension host) busy.

import { CozeError } from './errors';

/** Waits `ms`, or rejects with `signal.reason` as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * One question's lifetime: aborts its signal with a 'timeout' CozeError after `maxWaitMs`, or a 'canceled' one
 * when the caller's signal or the client's close signal aborts. dispose() removes the timer and the listeners.
 */
export class AskScope {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  readonly startedAt = performance.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly cleanups: Array<() => void> = [];

  /** `maxWaitMs` undefined: no deadline (the caller's signal and the client's close still apply). */
  constructor(maxWaitMs: number | undefined, userSignal: AbortSignal | undefined, clientSignal: AbortSignal) {
    this.link(clientSignal, () => new CozeError('canceled', 'The Coze client was closed.'));
    if (userSignal) this.link(userSignal, () => new CozeError('canceled', 'The question was canceled.'));
    if (!this.signal.aborted && maxWaitMs !== undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.abort(
          new CozeError('timeout', `No complete answer from Coze within ${formatWait(maxWaitMs)} (the longest a question may take).`, {
            reason: 'max-wait',
            retryable: true,
          }),
        );
      }, Math.min(maxWaitMs, MAX_TIMER_MS));
    }
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  /** Ends the question now with this reason (e.g. replaced by a newer question in the same conversation). */
  stop(reason: CozeError): void {
    this.abort(reason);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const c of this.cleanups.splice(0)) c();
  }

  private link(source: AbortSignal, reason: () => CozeError): void {
    if (source.aborted) {
      this.abort(reason());
      return;
    }
    const onAbort = () => this.abort(reason());
    source.addEventListener('abort', onAbort, { once: true });
    this.cleanups.push(() => source.removeEventListener('abort', onAbort));
  }

  private abort(reason: CozeError): void {
    if (this.signal.aborted) return;
    this.controller.abort(reason);
    this.dispose();
  }
}

/** setTimeout fires at once for delays above 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function formatWait(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toFixed(2))} s`;
}
