// HTTP to Coze: one keep-alive undici Agent per client, the client-wide rate limiter, retries with exponential
// backoff, per-request timeouts, the request log, and the translation of every failure into a CozeError.
//
// Why the rules are what they are (coze-api.md):
// - HTTP status and body `code` don't always agree (401 + 4100, 200 + 4009): the body code decides when there is
//   one; the status only matters for bodies without a code.
// - gateways answer 429/502/503/504 with HTML or empty bodies: never parse those as Coze, never show them.
// - 4009/4013/4020 are "busy / model / rate": retried with backoff; 5000 is retried only a little, because Coze
//   also sends it for a wrong bot id. Auth errors (4100/4101/700012006) and other 4xxx are never retried.
// - Each request is a billed call on the free plan (500 in total): retries are bounded, and every start
//   (first try, retry, poll, cancel) goes through the limiter.

import { Agent, request, type Dispatcher } from 'undici';
import { STATUS_CODES } from 'node:http';
import { CozeError, apiErrorMessage, setMessage, shortMsg } from './errors';
import { RateLimiter } from './rateLimiter';
import type { RequestLogEntry } from './types';
import { sleep } from './timing';

export interface TransportConfig {
  baseUrl: URL;
  token: string;
  minIntervalMs: number;
  maxRetries: number;
  retryBaseMs: number;
  requestTimeoutMs: number;
  onRequestLog?: (entry: RequestLogEntry) => void;
  /** Supplied by the caller (proxy agents, tests); otherwise the transport makes and owns its own Agent. */
  dispatcher?: Dispatcher;
}

export interface ApiRequest {
  method: 'GET' | 'POST';
  /** e.g. /v3/chat */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Goes ahead of ordinary requests in the limiter (the cancel sent when a question is stopped). */
  urgent?: boolean;
  /** Overrides the configured retries (the best-effort cancel after a stop uses fewer). */
  maxRetries?: number;
  /** Accept header: the stream asks for text/event-stream. */
  accept?: string;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  logId: string | undefined;
  body: Dispatcher.ResponseData['body'];
}

/** Body codes worth another try after a backoff (coze-api.md error table). */
const RETRY_CODES = new Set([4009, 4013, 4020, 5000]);
/** 5000 is "server error" but also what a wrong bot id gets: retry it, but not as often. */
const LIMITED_RETRY_CODES = new Map([[5000, 2]]);
/** Gateway statuses retried when the body carries no Coze code. 429 too: it is a gateway's "slow down". */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
/** Connection failures before any response: safe to retry for any method. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Errors the transport must not retry even though they say `retryable` (e.g. a stream that already delivered events). */
const noAutoRetry = new WeakSet<CozeError>();
export function doNotRetry(err: CozeError): CozeError {
  noAutoRetry.add(err);
  return err;
}

export class Transport {
  readonly limiter: RateLimiter;
  private readonly dispatcher: Dispatcher;
  private readonly ownAgent: Agent | undefined;
  private readonly origin: string;
  private readonly prefix: string;
  private readonly authorization: string;

  constructor(private readonly cfg: TransportConfig) {
    this.limiter = new RateLimiter(cfg.minIntervalMs);
    this.origin = cfg.baseUrl.origin;
    // A base URL may carry a path prefix (a gateway in front of a self-hosted Coze).
    this.prefix = cfg.baseUrl.pathname.replace(/\/+$/, '');
    this.authorization = `Bearer ${cfg.token}`;
    if (cfg.dispatcher) {
      this.dispatcher = cfg.dispatcher;
    } else {
      this.ownAgent = new Agent({
        connect: { timeout: cfg.requestTimeoutMs },
        headersTimeout: cfg.requestTimeoutMs,
        bodyTimeout: cfg.requestTimeoutMs,
        keepAliveTimeout: 30_000,
      });
      this.dispatcher = this.ownAgent;
    }
  }

  get requestTimeoutMs(): number {
    return this.cfg.requestTimeoutMs;
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
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }

    for (let attempt = 0; ; attempt++) {
      await this.limiter.acquire(signal, { urgent: !!req.urgent });
      const started = performance.now();
      let res: ApiResponse | undefined;
      try {
        const raw = await request(this.origin + pathWithQuery, {
          method: req.method,
          headers,
          body,
          signal,
          dispatcher: this.dispatcher,
          headersTimeout: this.cfg.requestTimeoutMs,
          bodyTimeout: this.cfg.requestTimeoutMs,
        });
        res = {
          status: raw.statusCode,
          contentType: headerValue(raw.headers['content-type']) ?? '',
          logId: headerValue(raw.headers['x-tt-logid']),
          body: raw.body,
        };
        const result = await handle(res);
        this.log({ method: req.method, path: pathWithQuery, status: res.status, durationMs: performance.now() - started, logId: res.logId, attempt });
        return result;
      } catch (e) {
        if (res) res.body.destroy(); // free the socket whatever state the body is in
        const err = signal.aborted
          ? asCozeError(signal.reason)
          : this.classify(e, { beforeData: res === undefined, idempotent: req.method === 'GET' });
        const limit = err.code !== undefined ? Math.min(maxRetries, LIMITED_RETRY_CODES.get(err.code) ?? maxRetries) : maxRetries;
        const willRetry = !signal.aborted && err.retryable === true && !noAutoRetry.has(err) && attempt < limit;
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
        if (!willRetry) {
          if (attempt > 0 && !signal.aborted) {
            err.attempts = attempt + 1;
            setMessage(err, `${err.message} Gave up after ${attempt + 1} attempts.`);
          }
          throw err;
        }
        await sleep(this.cfg.retryBaseMs * 2 ** attempt, signal);
      }
    }
  }

  /**
   * Reads a JSON reply and checks its body `code` (whatever the HTTP status). Anything that is not Coze JSON —
   * gateway HTML, an empty 503, truncated JSON — becomes an error that names the HTTP status, never the body.
   */
  async readCozeJson(res: ApiResponse): Promise<{ data: unknown; logId: string | undefined }> {
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (isRecord(parsed) && typeof parsed.code === 'number') {
      const logId = res.logId ?? bodyLogId(parsed);
      if (parsed.code !== 0) throw this.apiError(parsed.code, parsed.msg, logId, res.status);
      if (res.status >= 200 && res.status < 300) return { data: parsed.data, logId };
    }
    throw httpError(res, text === '' ? 'empty' : 'unreadable');
  }

  apiError(code: number, msg: unknown, logId: string | undefined, httpStatus: number | undefined): CozeError {
    const m = this.redact(shortMsg(msg));
    return new CozeError('api', apiErrorMessage(code, m, logId), {
      code,
      logId,
      cozeMessage: m,
      httpStatus,
      // 4016 (conversation busy) is not retried for now: waiting for the other chat is later work.
      retryable: RETRY_CODES.has(code),
    });
  }

  /**
   * Turns a raw failure (undici, socket, body read) into a CozeError with a user-facing message.
   * `beforeData`: nothing of the response had arrived. `idempotent`: repeating the request is harmless.
   * Connection failures before any data are retried for GET and POST alike; after data has arrived, or on a
   * headers timeout (the server got the request and may have started a chat), only idempotent requests are.
   */
  classify(e: unknown, where: { beforeData: boolean; idempotent: boolean }): CozeError {
    if (e instanceof CozeError) return e;
    const code = errorCode(e);
    const host = this.cfg.baseUrl.host;
    const secs = formatSeconds(this.cfg.requestTimeoutMs);
    if (code === 'UND_ERR_HEADERS_TIMEOUT') {
      return new CozeError('timeout', `Coze did not answer within ${secs}.`, { retryable: where.idempotent });
    }
    if (code === 'UND_ERR_BODY_TIMEOUT') {
      return new CozeError('timeout', `Coze stopped sending data for ${secs}.`, { retryable: where.idempotent });
    }
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new CozeError('network', `Could not connect to ${host} within ${secs}.`, { retryable: true });
    }
    if (code === 'ENOTFOUND') {
      return new CozeError('network', `Could not find the host ${host}: check the network and the base URL.`, {
        retryable: false,
      });
    }
    if (code !== undefined && CONNECT_ERRORS.has(code)) {
      const what = where.beforeData ? `Could not reach ${host}` : 'The connection to Coze broke';
      return new CozeError('network', `${what} (${describeCode(code)}).`, {
        retryable: where.beforeData || where.idempotent,
      });
    }
    const detail = e instanceof Error ? e.message : String(e);
    return new CozeError('network', `Request to ${host} failed: ${this.redact(shortMsg(detail))}`, {
      retryable: false,
    });
  }

  /** The token must never leave the Authorization header (log entries, messages). */
  redact(s: string): string {
    const t = this.cfg.token;
    return t.length >= 6 && s.includes(t) ? s.split(t).join('***') : s;
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
    try {
      sink(clean);
    } catch {
      // A failing log sink must not fail the question.
    }
  }

  async close(reason: CozeError): Promise<void> {
    this.limiter.close(reason);
    // A caller-supplied dispatcher belongs to the caller.
    if (this.ownAgent) await this.ownAgent.close();
  }
}

/** Builds the error for a reply without a Coze code: names the HTTP status, never the body. */
export function httpError(res: ApiResponse, bodyKind: 'empty' | 'unreadable' | 'unexpected'): CozeError {
  const status = res.status;
  const statusText = STATUS_CODES[status] ?? '';
  const label = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const log = res.logId ? ` (logid ${res.logId})` : '';
  const what =
    bodyKind === 'empty' ? 'an empty body' : bodyKind === 'unexpected' ? `an unexpected ${res.contentType || 'reply'}` : 'a body that is not Coze JSON';
  if (RETRY_STATUSES.has(status)) {
    return new CozeError('network', `Coze is unavailable: ${label} with ${what}${log}.`, { httpStatus: status, logId: res.logId, retryable: true });
  }
  let hint = '';
  if (status === 401 || status === 403) hint = ' Check the API token and the region.';
  else if (status === 404) hint = ' Check the base URL.';
  return new CozeError('protocol', `Unexpected reply from Coze: ${label} with ${what}${log}.${hint}`, {
    httpStatus: status,
    logId: res.logId,
    retryable: false,
  });
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

function bodyLogId(body: Record<string, unknown>): string | undefined {
  const d = body.detail;
  return isRecord(d) && typeof d.logid === 'string' && d.logid ? d.logid : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The errno-style code of an error or of its cause chain (undici wraps socket errors). */
function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' && c !== 'UND_ERR' && c) {
      // undici's generic SocketError has a more precise cause (e.g. ECONNRESET); prefer the cause when known.
      const inner = (cur as { cause?: { code?: unknown } }).cause?.code;
      return typeof inner === 'string' && CONNECT_ERRORS.has(inner) ? inner : c;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeCode(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'EAI_AGAIN':
      return 'DNS lookup failed';
    default:
      return code;
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 10 ? Math.round(s) : Number(s.toFixed(2))} s`;
}
