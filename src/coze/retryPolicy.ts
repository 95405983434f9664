// Whether a failed request is tried again, and after how long: a pure function of the failure, the attempt and
// the reply's headers (no I/O, no clock, no randomness of its own), so that every rule is unit-tested.
//
// Which failures (docs/coze-api.md#errors, #error-codes, #limits):
// - Coze body codes 4009/4013/4020 ("busy / model / rate"): retried with backoff. 5000 too, but at most twice:
//   Coze also sends it for a wrong bot id. 4016 (conversation busy) only when the request allows it (busy.ts).
//   Every other code (auth 4100/4101/700012006, bad parameters, …) will not change by trying again.
// - A reply without a Coze code: HTTP 429/500/502/503/504, a gateway's "slow down" or "unavailable".
// - No usable reply (refused, reset, timed out): when failures.ts calls it transient — it may pass within seconds
//   and repeating is safe (nothing was sent yet, or the request is an idempotent GET). Certificate, DNS and proxy
//   authentication problems are not transient.
// - Nothing else: a canceled question, a protocol error, a chat that failed on Coze's side.
//
// How long: retryBaseMs * 2^attempt (0.5 s, 1 s, 2 s, … with the default), or what the reply's Retry-After asks
// if that is longer, plus jitter, and never more than MAX_RETRY_WAIT_MS.

// decode.ts marks the same codes and statuses `retryable` on the error it makes (what the UI shows);
// retryPolicy.test.ts checks that the two lists agree.
/** Body codes worth another try after a backoff. */
export const RETRY_CODES: ReadonlySet<number> = new Set([4009, 4013, 4020, 5000]);
/** Gateway statuses retried when the body carries no Coze code. 429 too: it is a gateway's "slow down". */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
/** Codes retried fewer times than maxRetries: 5000 is "server error" but also what a wrong bot id gets. */
const LIMITED_RETRY_CODES: ReadonlyMap<number, number> = new Map([[5000, 2]]);

/**
 * The longest single wait. Uncapped, the 10th retry (maxRetries allows 10) would wait 4 min 16 s with the default
 * base, most of a question's default 5-minute maxWaitSeconds, in silence; and a gateway's Retry-After of an hour
 * must not hold a question for an hour.
 */
export const MAX_RETRY_WAIT_MS = 30_000;

/**
 * Jitter: each wait is stretched by a random 0–25 %. Upward only, not "full jitter" (random 0–100 % of the
 * backoff) nor ±20 %: the backoff is a documented minimum (README's maxRetries row; the fault tests check the
 * gaps as lower bounds), and Retry-After is the least the server asked for. Stretching is enough to spread
 * clients that failed at the same moment (one gateway restart, many VS Code windows) instead of having them all
 * come back in step.
 */
export const RETRY_JITTER = 0.25;

export type RetryFailure =
  /** A reply whose body carries a Coze code other than 0, whatever its HTTP status. */
  | { kind: 'coze'; code: number }
  /** A reply without a Coze code (a gateway page, an empty body): only its HTTP status speaks. */
  | { kind: 'http'; status: number }
  /** No usable reply: the connection failed, broke or went silent. `transient`: as classified by failures.ts. */
  | { kind: 'network'; transient: boolean }
  /** Anything else (canceled, protocol error, failed chat): not the transport's to repeat. */
  | { kind: 'other' };

export interface RetryInput {
  /** The attempt that failed, 0 for the first. */
  attempt: number;
  maxRetries: number;
  failure: RetryFailure;
  /** Retry n waits at least baseMs * 2^n. */
  baseMs: number;
  /** Headers of the failed reply, names in lower case (as Node and undici give them); only Retry-After is read. */
  headers?: Record<string, string | string[] | undefined>;
  /** 4016 (conversation busy) may be retried (ApiRequest.retryBusy). */
  retryBusy?: boolean;
  /** A number in [0, 1), as Math.random() gives. */
  random: () => number;
  /** The current time in ms since the epoch (Date.now()), for Retry-After's HTTP-date form. */
  nowMs: number;
}

export type RetryDecision = { retry: true; waitMs: number } | { retry: false };

const NO_RETRY: RetryDecision = { retry: false };

export function decideRetry(input: RetryInput): RetryDecision {
  const { attempt, failure } = input;
  let limit = input.maxRetries;
  switch (failure.kind) {
    case 'coze':
      if (failure.code === 4016 ? input.retryBusy !== true : !RETRY_CODES.has(failure.code)) return NO_RETRY;
      limit = Math.min(limit, LIMITED_RETRY_CODES.get(failure.code) ?? limit);
      break;
    case 'http':
      if (!RETRY_STATUSES.has(failure.status)) return NO_RETRY;
      break;
    case 'network':
      if (!failure.transient) return NO_RETRY;
      break;
    case 'other':
      return NO_RETRY;
  }
  if (!(attempt < limit)) return NO_RETRY;
  const backoff = input.baseMs * 2 ** attempt;
  const asked = retryAfterMs(input.headers?.['retry-after'], input.nowMs);
  const least = asked === undefined ? backoff : Math.max(backoff, asked);
  const drawn = input.random();
  const r = drawn > 0 ? Math.min(drawn, 1) : 0; // NaN too
  // Rounded up: never below the documented minimum.
  return { retry: true, waitMs: Math.ceil(Math.min(MAX_RETRY_WAIT_MS, least * (1 + RETRY_JITTER * r))) };
}

/** IMF-fixdate, RFC 850 and asctime (RFC 9110 §5.6.7) all start with the day's name. */
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * Retry-After as a wait in ms: delta-seconds ("120") or an HTTP-date ("Fri, 31 Dec 1999 23:59:59 GMT"; one in
 * the past asks for no wait). Undefined when absent or unreadable: a gateway's odd header must not stop retries.
 */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  // asctime has no zone, and HTTP-dates are always GMT: Date.parse would read it as local time.
  const at = Date.parse(/ GMT$/.test(value) ? value : `${value} GMT`);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}
