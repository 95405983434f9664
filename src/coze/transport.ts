// HTTP to Coze: one keep-alive undici dispatcher per client (direct or through a proxy: dispatcher.ts), the
// client-wide rate limiter, retries (which failures and how long to wait: retryPolicy.ts), per-request timeouts
// on our own timers (requestTimer.ts), the request log, and the translation of every failure into a CozeError.
//
// Why the rules are what they are (docs/coze-api.md#errors, #limits):
// - HTTP status and body `code` don't always agree (401 + 4100, 200 + 4009): the body code decides when there is
//   one; the status only matters for bodies without a code.
// - gateways answer 429/502/503/504 with HTML or empty bodies: never parse those as Coze, never show them.
// - Each request is a billed call on the free plan (500 in total): retries are bounded, and every start
//   (first try, retry, poll, cancel) goes through the limiter.

import type { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { buildDispatcher, stripUserinfo, type ProxyRoute } from './dispatcher';
import { apiError, decodeCozeJson } from './decode';
import { CozeError, setMessage } from './errors';
import { classifyFailure, timeoutError, type FailureContext } from './failures';
import { RateLimiter } from './rateLimiter';
import { AttemptTimer, type AttemptLimits, type AttemptPhase } from './requestTimer';
import { decideRetry, type RetryDecision, type RetryFailure } from './retryPolicy';
import type { CozeProxyOptions, CozeTlsOptions, RequestLogEntry } from './types';
import { sleep } from './timing';

export interface TransportConfig {
  baseUrl: URL;
  token: string;
  minIntervalMs: number;
  maxRetries: number;
  retryBaseMs: number;
  limits: AttemptLimits;
  onRequestLog?: (entry: RequestLogEntry) => void;
  /** Supplied by the caller (tests, custom networking); otherwise the transport builds and owns its own. */
  dispatcher?: Dispatcher;
  proxy?: CozeProxyOptions;
  tls?: CozeTlsOptions;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  /** e.g. /v3/chat */
  path: string;
  query?: Record<string, string | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** A body that is not JSON (a multipart upload), opened afresh for every attempt. Wins over `body`. */
  upload?: UploadBody;
  /** Goes ahead of ordinary requests in the limiter (the cancel sent when a question is stopped). */
  urgent?: boolean;
  /** Overrides the configured retries (the best-effort cancel after a stop uses fewer). */
  maxRetries?: number;
  /** Accept header: the stream asks for text/event-stream. */
  accept?: string;
  /**
   * 4016 (conversation busy) is retried with backoff like a busy code. Only for a POST /v3/chat whose blocking
   * chat the client does not know: a known one is waited for or canceled instead (busy.ts).
   */
  retryBusy?: boolean;
}

/**
 * A request body that is built, not JSON-encoded: a multipart upload (src/coze/fileUpload.ts). A retry can't
 * reread a stream that was sent, so the transport asks for a fresh one per attempt.
 */
export interface UploadBody {
  /** Exact byte length of every body open() gives (sent as Content-Length). */
  length: number;
  /** A fresh body and its content type (a multipart boundary differs per body: multipart/form-data; boundary=…). */
  open(): { contentType: string; body: AsyncIterable<Uint8Array> };
  /** Bytes handed to the connection in the current attempt, of `length`; starts at 0 again on a retry. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  logId: string | undefined;
  body: Dispatcher.ResponseData['body'];
  /** Aborts when the question is stopped or this attempt times out (its reason is the CozeError to throw). */
  signal: AbortSignal;
  /** The reader got data: restarts the silence timer (a slow reader must not look like a silent server). */
  touch(): void;
}

/** Errors the transport must not retry even though they say `retryable` (e.g. a stream that already delivered events). */
const noAutoRetry = new WeakSet<CozeError>();
export function doNotRetry(err: CozeError): CozeError {
  noAutoRetry.add(err);
  return err;
}

export class Transport {
  readonly limiter: RateLimiter;
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher: Dispatcher | undefined;
  /** The proxy requests go through (undefined: direct, or a caller-supplied dispatcher). */
  readonly proxy: ProxyRoute | undefined;
  private readonly origin: string;
  private readonly prefix: string;
  private readonly authorization: string;
  /** Strings that must never leave the client: the token, the proxy password. */
  private readonly secrets: string[];

  /** Throws a CozeError of kind 'invalid-input' for a proxy or TLS option that can never work. */
  constructor(private readonly cfg: TransportConfig) {
    this.limiter = new RateLimiter(cfg.minIntervalMs);
    this.origin = cfg.baseUrl.origin;
    // A base URL may carry a path prefix (a gateway in front of a self-hosted Coze).
    this.prefix = cfg.baseUrl.pathname.replace(/\/+$/, '');
    this.authorization = `Bearer ${cfg.token}`;
    if (cfg.dispatcher) {
      this.dispatcher = cfg.dispatcher;
    } else {
      const built = buildDispatcher(cfg.baseUrl, { proxy: cfg.proxy, tls: cfg.tls, connectTimeoutMs: cfg.limits.connectMs });
      this.ownDispatcher = built.dispatcher;
      this.dispatcher = built.dispatcher;
      this.proxy = built.proxy;
    }
    // A short secret (a 3-letter proxy password) would blank out ordinary words; those never reach a message anyway.
    this.secrets = [cfg.token, this.proxy?.password ?? ''].filter((x) => x.length >= 4);
  }

  /** The longest per-request timeout: also bounds best-effort waits such as the cancel after a stop. */
  get requestTimeoutMs(): number {
    return Math.max(this.cfg.limits.connectMs, this.cfg.limits.firstByteMs, this.cfg.limits.idleMs);
  }

  /** A JSON call: resolves with `data` of a `code: 0` reply. */
  async json<T>(req: ApiRequest, signal: AbortSignal): Promise<{ data: T; logId: string | undefined }> {
    return this.call(req, signal, async (res) => {
      const parsed = await this.readCozeJson(res);
      return { data: parsed.data as T, logId: parsed.logId };
    });
  }

  /**
   * One request with retries. `handle` consumes the response; it throws a CozeError to fail the attempt (the
   * transport decides whether to retry). Raw errors from reading the body are classified here.
   */
  async call<T>(req: ApiRequest, signal: AbortSignal, handle: (res: ApiResponse) => Promise<T>): Promise<T> {
    const pathWithQuery = this.prefix + req.path + queryString(req.query);
    const maxRetries = req.maxRetries ?? this.cfg.maxRetries;
    const headers: Record<string, string> = {
      authorization: this.authorization,
      accept: req.accept ?? 'application/json',
      'user-agent': 'ask-coze-vscode',
    };
    let body: string | undefined;
    if (req.upload) {
      headers['content-length'] = String(req.upload.length);
    } else if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }

    const idempotent = req.method === 'GET';
    for (let attempt = 0; ; attempt++) {
      await this.limiter.acquire(signal, { urgent: !!req.urgent });
      const started = performance.now();
      const timer = new AttemptTimer(this.cfg.limits, signal, (phase) => this.timeoutError(phase, idempotent));
      let res: ApiResponse | undefined;
      let replyHeaders: Dispatcher.ResponseData['headers'] | undefined;
      let waitMs: number;
      try {
        const upload = req.upload?.open();
        if (upload) headers['content-type'] = upload.contentType;
        const raw = await untilAborted(
          request(this.origin + pathWithQuery, {
            method: req.method,
            headers,
            // undici sends an async iterable chunk by chunk, waiting for the socket to drain between chunks.
            body: upload ? (sendUpload(upload.body, req.upload!, timer) as unknown as Readable) : body,
            signal: timer.signal,
            dispatcher: timer.wrap(this.dispatcher),
            // Ours (AttemptTimer) are exact; undici's would fire up to ~1 s late and with other messages.
            headersTimeout: 0,
            bodyTimeout: 0,
          }),
          timer.signal,
        );
        replyHeaders = raw.headers;
        res = {
          status: raw.statusCode,
          contentType: headerValue(raw.headers['content-type']) ?? '',
          // Coze Studio sends its own id as X-Log-ID (docs/coze-api.md#responses-and-logid).
          logId: headerValue(raw.headers['x-tt-logid']) ?? headerValue(raw.headers['x-log-id']),
          body: raw.body,
          signal: timer.signal,
          touch: () => timer.touch(),
        };
        const result = await handle(res);
        this.log({ method: req.method, path: pathWithQuery, status: res.status, durationMs: performance.now() - started, logId: res.logId, attempt });
        return result;
      } catch (e) {
        if (res) res.body.destroy(); // free the socket whatever state the body is in
        const err = signal.aborted
          ? asCozeError(signal.reason)
          : timer.signal.aborted
            ? asCozeError(timer.signal.reason)
            : this.classify(e, { beforeData: res === undefined, idempotent });
        // Failures after the headers (a reset or silence mid-stream) still have the reply's logid: support needs it.
        if (!err.logId && res?.logId && err.kind !== 'canceled') err.logId = res.logId;
        // A stopped question, or a stream that already delivered events, is never repeated, whatever the failure.
        const decision: RetryDecision =
          signal.aborted || noAutoRetry.has(err)
            ? { retry: false }
            : decideRetry({
                attempt,
                maxRetries,
                failure: retryFailure(err),
                baseMs: this.cfg.retryBaseMs,
                headers: replyHeaders,
                // 4016 is retried blindly only when the caller does not know the chat that keeps the conversation busy.
                retryBusy: req.retryBusy === true,
                random: Math.random,
                nowMs: Date.now(),
              });
        const willRetry = decision.retry;
        this.log({
          method: req.method,
          path: pathWithQuery,
          status: res?.status ?? err.httpStatus,
          code: err.code,
          durationMs: performance.now() - started,
          logId: err.logId ?? res?.logId,
          attempt,
          error: err.kind === 'api' ? undefined : this.redact(err.message),
          willRetry,
        });
        if (!decision.retry) {
          if (attempt > 0 && !signal.aborted) {
            err.attempts = attempt + 1;
            setMessage(err, `${err.message} Gave up after ${attempt + 1} attempts.`);
          }
          throw err;
        }
        waitMs = decision.waitMs;
      } finally {
        timer.dispose();
      }
      await sleep(waitMs, signal);
    }
  }

  /**
   * Reads a JSON reply and checks its body `code` (whatever the HTTP status). Anything that is not Coze JSON —
   * gateway HTML, an empty 503, truncated JSON — becomes an error that names the HTTP status, never the body.
   */
  async readCozeJson(res: ApiResponse): Promise<{ data: unknown; logId: string | undefined }> {
    return decodeCozeJson(res, await res.body.text(), (x) => this.redact(x));
  }

  apiError(code: number, msg: unknown, logId: string | undefined, httpStatus: number | undefined): CozeError {
    return apiError(code, msg, logId, httpStatus, (x) => this.redact(x));
  }

  /** The error for a phase of an attempt that ran out of time (requestTimer.ts). */
  timeoutError(phase: AttemptPhase, idempotent: boolean): CozeError {
    return timeoutError(phase, idempotent, this.failureContext());
  }

  /**
   * Turns a raw failure (undici, socket, TLS, proxy, body read) into a CozeError (failures.ts).
   * `beforeData`: nothing of the response had arrived. `idempotent`: repeating the request is harmless.
   */
  classify(e: unknown, where: { beforeData: boolean; idempotent: boolean }): CozeError {
    return classifyFailure(e, where, this.failureContext());
  }

  private failureContext(): FailureContext {
    return {
      baseUrl: this.cfg.baseUrl,
      proxy: this.proxy,
      limits: this.cfg.limits,
      ownDispatcher: this.ownDispatcher !== undefined,
      redact: (x) => this.redact(x),
    };
  }

  /** The token and the proxy password must never leave the client (log entries, messages), nor URL credentials. */
  redact(s: string): string {
    let out = stripUserinfo(s);
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('***');
    return out;
  }

  /** Last line of defence before an error leaves the client: no token in its message, stack or last_error. */
  scrub(err: CozeError): CozeError {
    const clean = this.redact(err.message);
    if (clean !== err.message) setMessage(err, clean);
    if (err.stack) err.stack = this.redact(err.stack);
    if (err.lastError) err.lastError = { code: err.lastError.code, msg: this.redact(err.lastError.msg) };
    return err;
  }

  private log(entry: RequestLogEntry): void {
    const sink = this.cfg.onRequestLog;
    if (!sink) return;
    const clean: RequestLogEntry = { method: entry.method, path: this.redact(entry.path), durationMs: Math.round(entry.durationMs), attempt: entry.attempt };
    if (entry.status !== undefined) clean.status = entry.status;
    if (entry.code !== undefined) clean.code = entry.code;
    if (entry.logId !== undefined) clean.logId = entry.logId;
    if (entry.error !== undefined) clean.error = this.redact(entry.error);
    if (entry.willRetry !== undefined) clean.willRetry = entry.willRetry;
    if (this.proxy) clean.proxy = this.proxy.shown;
    try {
      sink(clean);
    } catch {
      // A failing log sink must not fail the question.
    }
  }

  async close(reason: CozeError): Promise<void> {
    this.limiter.close(reason);
    // A caller-supplied dispatcher belongs to the caller. Ours is destroyed rather than closed: every question
    // has ended by now, and close() would wait for a connect or proxy CONNECT that a timeout gave up on.
    if (this.ownDispatcher) await this.ownDispatcher.destroy();
  }
}

/**
 * undici only acts on an abort once the request is on a connection: while it connects (TCP, proxy CONNECT, TLS
 * handshake) the promise would wait for undici's own connect timeout. So the abort wins the race here; the
 * request left behind fails on its own once connected or timed out (its body, if any, is released).
 */
function untilAborted<T extends { body: { destroy(): unknown } }>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    p.then((r) => r.body.destroy(), () => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let lost = false;
    const onAbort = () => {
      lost = true;
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        if (lost) r.body.destroy();
        else resolve(r);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!lost) reject(e);
      },
    );
  });
}

/**
 * One attempt's upload body: while it is sent the attempt is in the timer's `send` phase (a large body on a slow
 * uplink is not a silent server; the first-byte timer starts after the last chunk), and progress is reported
 * once undici asks for the next chunk (it has written the last one).
 */
async function* sendUpload(body: AsyncIterable<Uint8Array>, upload: UploadBody, timer: AttemptTimer): AsyncGenerator<Uint8Array> {
  let sent = 0;
  const report = () => {
    try {
      upload.onProgress?.(sent, upload.length);
    } catch {
      // A throwing progress callback must not break the upload.
    }
  };
  report();
  for await (const chunk of body) {
    // A Blob's stream may yield a whole file at once: hand it over in slices (views, not copies), so that
    // progress and the first-byte timer move while a large file is on its way.
    for (let at = 0; at < chunk.byteLength; at += UPLOAD_SLICE_BYTES) {
      const slice = chunk.subarray(at, at + UPLOAD_SLICE_BYTES);
      timer.sending();
      yield slice;
      sent += slice.byteLength;
      report();
    }
  }
  timer.sent();
}

const UPLOAD_SLICE_BYTES = 64 * 1024;

/**
 * What the retry policy goes by. The body code decides when there is one; a reply without one has only its
 * status; failures without a reply carry failures.ts's verdict (`retryable`: transient and safe to repeat).
 */
function retryFailure(err: CozeError): RetryFailure {
  if (err.kind === 'api' && err.code !== undefined) return { kind: 'coze', code: err.code };
  if ((err.kind === 'network' || err.kind === 'protocol') && err.httpStatus !== undefined) return { kind: 'http', status: err.httpStatus };
  if (err.kind === 'network' || err.kind === 'timeout') return { kind: 'network', transient: err.retryable === true };
  return { kind: 'other' };
}

function asCozeError(reason: unknown): CozeError {
  if (reason instanceof CozeError) return reason;
  return new CozeError('canceled', 'The request was canceled.');
}

function queryString(q: Record<string, string | undefined> | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

function headerValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

