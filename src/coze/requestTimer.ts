// The three timeouts of one HTTP attempt, on our own timer rather than undici's: undici's connect, headers and
// body timeouts run on a coarse clock (its "fast timers" tick every ~500 ms, so they fire up to ~1 s late),
// and a user who set "30 s" should get 30 s.
//
//   connect     dispatch → request written: TCP connect, proxy CONNECT, TLS handshake   (connectTimeoutMs)
//   send        an upload's body being written: between two chunks handed over          (streamIdleTimeoutMs)
//   first-byte  request written → response headers                                       (firstByteTimeoutMs)
//
// A request with an upload body (sending()/sent()) is in `send` from its first chunk to its last: a large body
// on a slow uplink is not a server that does not answer, and the first-byte timer starts once the body is sent.
//   body        between two chunks of the reply, from the headers on                     (streamIdleTimeoutMs)
//
// The phase changes come from an undici interceptor (onRequestStart = the connection is ready and the request is
// being written; onResponseStart; onResponseData). The idle check costs O(1) per chunk: a chunk only moves a
// deadline, and the single timer re-arms itself when it wakes up early.

import type { Dispatcher } from 'undici';
import type { CozeError } from './errors';

export type AttemptPhase = 'connect' | 'send' | 'first-byte' | 'body';

export interface AttemptLimits {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

/** setTimeout may wake a fraction of a millisecond early (its clock has 1 ms steps): tolerate that much. */
const EARLY_TOLERANCE_MS = 1;

export class AttemptTimer {
  private readonly controller = new AbortController();
  /** Aborts with the outer signal's reason, or with the timeout error of the phase that ran out. */
  readonly signal: AbortSignal = this.controller.signal;
  private phase: AttemptPhase | 'done' = 'connect';
  private deadline = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unlink: () => void;

  constructor(
    private readonly limits: AttemptLimits,
    outer: AbortSignal,
    private readonly timeoutError: (phase: AttemptPhase) => CozeError,
  ) {
    const onAbort = () => this.abort(outer.reason);
    if (outer.aborted) {
      this.unlink = () => undefined;
      this.abort(outer.reason);
      return;
    }
    outer.addEventListener('abort', onAbort, { once: true });
    this.unlink = () => outer.removeEventListener('abort', onAbort);
    this.enter('connect', limits.connectMs);
  }

  /** Wraps the dispatcher for one request so that its progress drives the phases. */
  wrap(dispatcher: Dispatcher): Dispatcher {
    return dispatcher.compose((dispatch) => (opts, handler) =>
      dispatch(opts, {
        onRequestStart: (controller, context) => {
          this.connected();
          handler.onRequestStart?.(controller, context);
        },
        onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
        onResponseStart: (controller, statusCode, headers, statusMessage) => {
          this.headers();
          handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
        },
        onResponseData: (controller, chunk) => {
          this.touch();
          handler.onResponseData?.(controller, chunk);
        },
        onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
        onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
      }),
    );
  }

  /** Data reached the reader (also called by the stream reader, so a paused socket never looks idle). */
  touch(): void {
    if (this.phase === 'body') this.deadline = performance.now() + this.limits.idleMs;
  }

  /** A chunk of an upload body is being handed to the connection: the silence timer of `send` restarts. */
  sending(): void {
    if (this.phase === 'first-byte') this.enter('send', this.limits.idleMs);
    else if (this.phase === 'send') this.deadline = performance.now() + this.limits.idleMs;
  }

  /** The whole upload body was handed over: the first-byte timer starts now (the server can't answer before). */
  sent(): void {
    if (this.phase === 'send') this.enter('first-byte', this.limits.firstByteMs);
  }

  /** Ends the timing of this attempt (success or failure). Idempotent. */
  dispose(): void {
    this.phase = 'done';
    this.clear();
    this.unlink();
  }

  private connected(): void {
    if (this.phase === 'connect') this.enter('first-byte', this.limits.firstByteMs);
  }

  private headers(): void {
    // A server may answer before it has read the whole upload (an error): that ends `send` too.
    if (this.phase === 'connect' || this.phase === 'send' || this.phase === 'first-byte') this.enter('body', this.limits.idleMs);
  }

  private enter(phase: AttemptPhase, ms: number): void {
    this.phase = phase;
    this.deadline = performance.now() + ms;
    this.arm(ms);
  }

  private arm(ms: number): void {
    this.clear();
    this.timer = setTimeout(() => this.wake(), Math.max(1, Math.min(Math.ceil(ms), MAX_TIMER_MS)));
  }

  private wake(): void {
    this.timer = undefined;
    const phase = this.phase;
    if (phase === 'done') return;
    const left = this.deadline - performance.now();
    if (left > EARLY_TOLERANCE_MS) return this.arm(left);
    this.abort(this.timeoutError(phase));
  }

  private abort(reason: unknown): void {
    if (this.signal.aborted) return;
    this.dispose();
    this.controller.abort(reason);
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** setTimeout fires at once for delays above 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
