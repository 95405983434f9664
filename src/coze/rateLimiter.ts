// Client-wide spacing of request starts. Coze's free plan allows 500 API calls in total and 20 chat requests
// per second (docs/coze-api.md#limits): every request — first tries, retries, polls, cancels — passes here.
//
// First come, first served: waiters form a queue; the head starts when `minIntervalMs` has passed since the
// previous start. A waiter whose signal aborts leaves the queue at once; since slots are computed from the
// last actual start, the others are not delayed by its departure. "Urgent" waiters (the cancel sent when a
// question is stopped) go ahead of ordinary ones, still keeping the spacing.

export interface LimiterClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: LimiterClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  urgent: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class RateLimiter {
  private readonly queue: Waiter[] = [];
  private lastStart = Number.NEGATIVE_INFINITY;
  private timer: unknown;
  private closedReason: unknown;
  private closed = false;

  constructor(
    private readonly minIntervalMs: number,
    private readonly clock: LimiterClock = realClock,
  ) {}

  /** Resolves when the caller may start its request; rejects with `signal.reason` if it aborts first. */
  acquire(signal?: AbortSignal, opts: { urgent?: boolean } = {}): Promise<void> {
    if (this.closed) return Promise.reject(this.closedReason);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, urgent: !!opts.urgent, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.remove(waiter, signal.reason);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (waiter.urgent) {
        const firstOrdinary = this.queue.findIndex((w) => !w.urgent);
        if (firstOrdinary === -1) this.queue.push(waiter);
        else this.queue.splice(firstOrdinary, 0, waiter);
      } else {
        this.queue.push(waiter);
      }
      this.pump();
    });
  }

  /** Rejects every waiter (client closed). Later calls to acquire reject too. */
  close(reason: unknown): void {
    this.closed = true;
    this.closedReason = reason;
    this.stopTimer();
    for (const w of this.queue.splice(0)) {
      this.detach(w);
      w.reject(reason);
    }
  }

  /** Number of waiters (for tests and diagnostics). */
  get pending(): number {
    return this.queue.length;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const now = this.clock.now();
      const due = this.lastStart + this.minIntervalMs;
      if (now < due) {
        if (this.timer === undefined) {
          this.timer = this.clock.setTimeout(() => {
            this.timer = undefined;
            this.pump();
          }, Math.max(1, Math.ceil(due - now)));
        }
        return;
      }
      const w = this.queue.shift()!;
      this.lastStart = now;
      this.detach(w);
      w.resolve();
    }
    this.stopTimer();
  }

  private remove(w: Waiter, reason: unknown): void {
    const i = this.queue.indexOf(w);
    if (i === -1) return;
    this.queue.splice(i, 1);
    this.detach(w);
    w.reject(reason);
    // The next slot is still lastStart + minInterval: nothing to reschedule unless the queue emptied.
    if (this.queue.length === 0) this.stopTimer();
  }

  private detach(w: Waiter): void {
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    w.onAbort = undefined;
  }

  private stopTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
