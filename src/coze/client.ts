// CozeClient: validates the options, owns the transport (one keep-alive pool, one limiter), runs one flow per
// question inside its deadline, and cancels on Coze a chat the caller no longer waits for.

import { ChatState, type FlowContext } from './chatState';
import { CozeError, isCozeError, withContext } from './errors';
import { askByPolling } from './pollFlow';
import { askByStreaming } from './streamFlow';
import { AskScope } from './timing';
import { Transport } from './transport';
import type { AskOptions, CozeAnswer, CozeClientOptions } from './types';

const DEFAULTS = {
  minIntervalMs: 500,
  maxRetries: 5,
  retryBaseMs: 500,
  pollIntervalMs: 1000,
  requestTimeoutMs: 30_000,
  maxWaitMs: 300_000,
};

/** Upper bound for the cancel sent after a stop or a timeout, so ending a question stays prompt. */
const CANCEL_AFTER_STOP_MAX_MS = 5000;

export class CozeClient {
  private readonly transport: Transport;
  private readonly botId: string;
  private readonly userId: string;
  private readonly pollIntervalMs: number;
  private readonly maxWaitMs: number;
  private readonly closeController = new AbortController();
  private readonly outstanding = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  /**
   * Throws a CozeError of kind 'network' (with `invalidOption` set) for options that can never work: a base URL
   * that is not https (http only for loopback), an empty token, bot id or user id.
   */
  constructor(options: CozeClientOptions) {
    const baseUrl = parseBaseUrl(options.baseUrl);
    const token = typeof options.token === 'string' ? options.token.trim() : '';
    if (!token) throw invalid('token', 'The Coze API token is empty.');
    // A token with spaces or control characters can't go into a header; say so without echoing it.
    if (/[\s\x00-\x1f\x7f]/.test(token)) throw invalid('token', 'The Coze API token contains spaces or control characters.');
    this.botId = typeof options.botId === 'string' ? options.botId.trim() : '';
    if (!this.botId) throw invalid('botId', 'The Coze bot id is empty.');
    this.userId = typeof options.userId === 'string' ? options.userId.trim() : '';
    if (!this.userId) throw invalid('userId', 'The Coze user id is empty.');

    this.pollIntervalMs = nonNegative(options.pollIntervalMs, DEFAULTS.pollIntervalMs);
    this.maxWaitMs = nonNegative(options.maxWaitMs, DEFAULTS.maxWaitMs);
    const cfg: ConstructorParameters<typeof Transport>[0] = {
      baseUrl,
      token,
      minIntervalMs: nonNegative(options.minIntervalMs, DEFAULTS.minIntervalMs),
      maxRetries: Math.floor(nonNegative(options.maxRetries, DEFAULTS.maxRetries)),
      retryBaseMs: nonNegative(options.retryBaseMs, DEFAULTS.retryBaseMs),
      requestTimeoutMs: Math.max(1, nonNegative(options.requestTimeoutMs, DEFAULTS.requestTimeoutMs)),
    };
    if (options.onRequestLog) cfg.onRequestLog = options.onRequestLog;
    if (options.dispatcher) cfg.dispatcher = options.dispatcher;
    this.transport = new Transport(cfg);
  }

  /** Asks one question; resolves with the whole answer or rejects with a CozeError. */
  ask(question: string, options: AskOptions = {}): Promise<CozeAnswer> {
    const p = this.runAsk(question, options);
    this.track(p);
    return p;
  }

  /** POST /v3/chat/cancel. A chat that is already final (4104) counts as success. */
  cancel(conversationId: string, chatId: string, signal?: AbortSignal): Promise<void> {
    const p = this.runCancel(conversationId, chatId, signal);
    this.track(p);
    return p;
  }

  /** Closes the connection pool. Questions still running reject with kind 'canceled'. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const reason = new CozeError('canceled', 'The Coze client was closed.');
      this.closeController.abort(reason);
      // Let the questions end (and send their cancels) before the pool goes away.
      await Promise.allSettled([...this.outstanding]);
      await this.transport.close(reason);
    })();
    return this.closing;
  }

  private async runAsk(question: string, options: AskOptions): Promise<CozeAnswer> {
    if (this.closing) throw new CozeError('canceled', 'The Coze client was closed.');
    const scope = new AskScope(this.maxWaitMs, options.signal, this.closeController.signal);
    const ctx: FlowContext = {
      transport: this.transport,
      scope,
      state: new ChatState(options.conversationId || undefined),
      question,
      botId: this.botId,
      userId: this.userId,
      conversationId: options.conversationId || undefined,
      pollIntervalMs: this.pollIntervalMs,
      onProgress: options.onProgress,
    };
    try {
      return await (options.mode === 'poll' ? askByPolling(ctx) : askByStreaming(ctx));
    } catch (e) {
      const err = this.transport.scrub(this.toError(e, scope));
      withContext(err, ctx.state.context());
      // A chat nobody waits for any more still runs on Coze and keeps its conversation busy (the next question
      // would get 4016): cancel it (coze-api.md "POST /v3/chat/cancel").
      if (ctx.state.mayBeRunning) await this.cancelQuietly(ctx.state.conversationId!, ctx.state.chatId!);
      throw err;
    } finally {
      scope.dispose();
    }
  }

  private toError(e: unknown, scope: AskScope): CozeError {
    // The deadline/stop reason wins over whatever error the abort caused on its way out.
    if (scope.signal.aborted && isCozeError(scope.signal.reason)) return scope.signal.reason;
    if (e instanceof CozeError) return e;
    const msg = e instanceof Error ? e.message : String(e);
    return new CozeError('protocol', this.transport.redact(`Unexpected failure in the Coze client: ${msg}`));
  }

  /**
   * Best effort, never throws: a failing cancel must not mask the timeout or stop that caused it. It has its own
   * short deadline (the question's has passed), jumps the limiter queue, and retries at most once.
   */
  private async cancelQuietly(conversationId: string, chatId: string): Promise<void> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new CozeError('timeout', 'The cancel request took too long.')),
      Math.min(CANCEL_AFTER_STOP_MAX_MS, this.transport.requestTimeoutMs),
    );
    try {
      await this.sendCancel(conversationId, chatId, deadline.signal, { maxRetries: 1 });
    } catch {
      // Logged by the transport (onRequestLog); nothing else to do.
    } finally {
      clearTimeout(timer);
    }
  }

  private async runCancel(conversationId: string, chatId: string, signal: AbortSignal | undefined): Promise<void> {
    if (this.closing) throw new CozeError('canceled', 'The Coze client was closed.');
    const scope = new AskScope(undefined, signal, this.closeController.signal);
    try {
      await this.sendCancel(conversationId, chatId, scope.signal, {});
    } catch (e) {
      throw this.transport.scrub(this.toError(e, scope));
    } finally {
      scope.dispose();
    }
  }

  private async sendCancel(
    conversationId: string,
    chatId: string,
    signal: AbortSignal,
    opts: { maxRetries?: number },
  ): Promise<void> {
    try {
      await this.transport.json(
        {
          method: 'POST',
          path: '/v3/chat/cancel',
          body: { conversation_id: conversationId, chat_id: chatId },
          urgent: true,
          ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}),
        },
        signal,
      );
    } catch (e) {
      // 4104: the chat is already final — the cancel has nothing left to do.
      if (isCozeError(e) && e.code === 4104) return;
      throw e;
    }
  }

  private track(p: Promise<unknown>): void {
    this.outstanding.add(p);
    const done = () => this.outstanding.delete(p);
    p.then(done, done);
  }
}

function parseBaseUrl(raw: unknown): URL {
  let url: URL;
  try {
    url = new URL(typeof raw === 'string' ? raw.trim() : '');
  } catch {
    throw invalid('baseUrl', 'The Coze base URL is not a valid URL (expected e.g. https://api.coze.cn).');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  // The token travels in a header: it must never cross the network in clear text.
  throw invalid('baseUrl', 'The Coze base URL must use https:// (http:// is accepted only for localhost).');
}

function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function invalid(option: 'baseUrl' | 'token' | 'botId' | 'userId', message: string): CozeError {
  return new CozeError('network', message, { invalidOption: option, retryable: false });
}

function nonNegative(v: number | undefined, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : dflt;
}
