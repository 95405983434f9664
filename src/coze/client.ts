// CozeClient: validates the options, owns the transport (one keep-alive pool, one limiter), runs one flow per
// question inside its deadline, and cancels on Coze a chat the caller no longer waits for.

import { isBotId, isCozeId } from '../ids';
import { isLoopbackHost } from '../hosts';
import { setMaxListeners } from 'node:events';
import { RunningChats } from './runningChats';
import { ChatState, isFinal, type ChatflowTarget, type FlowContext } from './chatState';
import { getBot, listBots, listWorkspaces } from './catalog';
import { uploadFile } from './files';
import { MAX_UPLOAD_BYTES } from '../uploadLimits';
import { CozeError, isCozeError, withContext } from './errors';
import { askByPolling } from './pollFlow';
import { askByStreaming } from './streamFlow';
import { AskScope } from './timing';
import { Transport, type TransportConfig } from './transport';
import { runWorkflowStream, streamResumeRequest, streamRunRequest } from './workflowRun';
import type {
  AskOptions,
  CozeAnswer,
  CozeAttachment,
  CozeBot,
  CozeClientOptions,
  CozeInvalidOption,
  CozeUploadedFile,
  CozeWorkspace,
  UploadOptions,
  WorkflowRunOptions,
  WorkflowRunResult,
} from './types';

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
  /** This client's chats that may still run, per conversation: what a 4016 waits for (busy.ts). */
  private readonly running = new RunningChats();
  private closing: Promise<void> | undefined;
  private readonly onNotice: ((message: string) => void) | undefined;
  /** Notices already given (each at most once per client). */
  private readonly noticed = new Set<string>();

  /**
   * Throws a CozeError of kind 'invalid-input' (with `invalidOption` set) for options that can never work: a base
   * URL that is not https (http only for loopback), an empty token, a bot id that is not digits, an empty user id,
   * a proxy URL that is not http(s)://host:port, a tls.ca that is not PEM, a dispatcher together with proxy/tls.
   */
  constructor(options: CozeClientOptions) {
    const baseUrl = parseBaseUrl(options.baseUrl, options.allowInsecureHttp === true);
    const token = typeof options.token === 'string' ? options.token.trim() : '';
    if (!token) throw invalid('token', 'The Coze API token is empty.');
    // A token with spaces or control characters can't go into a header; say so without echoing it.
    if (/[\s\x00-\x1f\x7f]/.test(token)) throw invalid('token', 'The Coze API token contains spaces or control characters.');
    this.botId = typeof options.botId === 'string' ? options.botId.trim() : '';
    if (!this.botId) throw invalid('botId', 'The Coze bot id is empty.');
    // Coze's bot ids are numbers (sent as strings); anything else would cost a call to learn 4006/4200.
    if (!isBotId(this.botId)) {
      throw invalid('botId', 'The Coze bot id must contain only digits (e.g. 7445600453913968691, the number at the end of the bot’s page address).');
    }
    this.userId = typeof options.userId === 'string' ? options.userId.trim() : '';
    if (!this.userId) throw invalid('userId', 'The Coze user id is empty.');
    if (options.dispatcher && (options.proxy || options.tls)) {
      throw invalid('dispatcher', 'Give the Coze client either a dispatcher or proxy/tls options, not both.');
    }

    this.pollIntervalMs = nonNegative(options.pollIntervalMs, DEFAULTS.pollIntervalMs);
    this.maxWaitMs = nonNegative(options.maxWaitMs, DEFAULTS.maxWaitMs);
    const requestTimeoutMs = positive(options.requestTimeoutMs, DEFAULTS.requestTimeoutMs);
    const cfg: TransportConfig = {
      baseUrl,
      token,
      minIntervalMs: nonNegative(options.minIntervalMs, DEFAULTS.minIntervalMs),
      maxRetries: Math.floor(nonNegative(options.maxRetries, DEFAULTS.maxRetries)),
      retryBaseMs: nonNegative(options.retryBaseMs, DEFAULTS.retryBaseMs),
      limits: {
        connectMs: positive(options.connectTimeoutMs, requestTimeoutMs),
        firstByteMs: positive(options.firstByteTimeoutMs, requestTimeoutMs),
        idleMs: positive(options.streamIdleTimeoutMs, requestTimeoutMs),
      },
    };
    this.onNotice = typeof options.onNotice === 'function' ? options.onNotice : undefined;
    if (options.onRequestLog) cfg.onRequestLog = options.onRequestLog;
    if (options.dispatcher) cfg.dispatcher = options.dispatcher;
    if (options.proxy) cfg.proxy = options.proxy;
    if (options.tls) cfg.tls = options.tls;
    this.transport = new Transport(cfg);
    // Every running question listens to the close signal: 20 at once is normal use, not a leak (Node would warn
    // "MaxListenersExceeded" past 10).
    setMaxListeners(0, this.closeController.signal);
  }

  /** The proxy the client goes through, without credentials (e.g. http://proxy.corp:3128); undefined when direct. */
  get proxy(): string | undefined {
    return this.transport.proxy?.shown;
  }

  /**
   * Asks one question; resolves with the whole answer or rejects with a CozeError. An empty or whitespace-only
   * question rejects with kind 'invalid-input' (invalidOption 'question') before anything is sent.
   */
  ask(question: string, options: AskOptions = {}): Promise<CozeAnswer> {
    const p = this.runAsk(question, options);
    this.track(p);
    return p;
  }

  /** POST /v3/chat/cancel. A chat that is already final (4104, or Coze Studio's 103200005) counts as success. */
  cancel(conversationId: string, chatId: string, signal?: AbortSignal): Promise<void> {
    const p = this.runCancel(conversationId, chatId, signal);
    this.track(p);
    return p;
  }

  // Bots, workspaces and files (docs/coze-api.md#beyond-chat): catalog.ts and files.ts.
  /**
   * GET /v1/workspaces, every page (page_num from 1, 50 a page, Coze's maximum) until `total_count` are read.
   * An empty page also ends the list, so a wrong total can't loop forever.
   */
  listWorkspaces(opts: { signal?: AbortSignal } = {}): Promise<CozeWorkspace[]> {
    return this.oneOff(opts.signal, (signal) => listWorkspaces(this.transport, signal));
  }

  /**
   * GET /v1/bots?workspace_id=…&publish_status=published_online&connector_id=1024: the bots published to the API
   * channel (the only ones /v3/chat answers for), every page. Needs the token's listBot permission (else 4101).
   * Coze Studio has no bot list: it answers HTTP 404 (the error's httpStatus), see docs/coze-api.md#workspaces-and-bots.
   */
  listBots(opts: { workspaceId: string; signal?: AbortSignal }): Promise<CozeBot[]> {
    const workspaceId = typeof opts?.workspaceId === 'string' ? opts.workspaceId.trim() : '';
    if (!isCozeId(workspaceId)) return Promise.reject(invalid('workspaceId', 'The Coze workspace id must contain only digits.'));
    return this.oneOff(opts?.signal, (signal) => listBots(this.transport, workspaceId, signal));
  }

  /** GET /v1/bots/:id: the bot's published name, description and icon. Coze Studio has it too. */
  getBot(botId: string, opts: { signal?: AbortSignal } = {}): Promise<CozeBot> {
    const id = typeof botId === 'string' ? botId.trim() : '';
    if (!isBotId(id)) return Promise.reject(invalid('botId', 'The Coze bot id must contain only digits (e.g. 7445600453913968691).'));
    return this.oneOff(opts.signal, (signal) => getBot(this.transport, id, signal));
  }

  /**
   * POST /v1/files/upload (multipart, field `file`, docs/coze-api.md#files-and-attachments). A file that is empty,
   * unnamed or over MAX_UPLOAD_BYTES is refused before anything is sent (kind 'invalid-input', invalidOption 'file').
   */
  uploadFile(file: { name: string; data: Uint8Array }, opts: UploadOptions = {}): Promise<CozeUploadedFile> {
    const name = typeof file?.name === 'string' ? file.name.trim() : '';
    if (!name) return Promise.reject(invalid('file', 'The file to upload has no name.'));
    if (!(file.data instanceof Uint8Array)) return Promise.reject(invalid('file', `The file ${name} has no data.`));
    if (file.data.byteLength === 0) return Promise.reject(invalid('file', `The file ${name} is empty: Coze does not accept empty files.`));
    if (file.data.byteLength > MAX_UPLOAD_BYTES) {
      return Promise.reject(invalid('file', `The file ${name} is larger than 512 MB, the most Coze accepts.`));
    }
    return this.oneOff(opts.signal, (signal) => uploadFile(this.transport, { name, data: file.data }, opts.onProgress, signal));
  }

  // Workflows (docs/coze-api.md#workflows): the stream is read in workflowRun.ts.
  /**
   * POST /v1/workflow/stream_run: resolves when the stream ends (done, or interrupted waiting for the user).
   * A workflow id that is not digits, or parameters that are not an object, reject with kind 'invalid-input'
   * before anything is sent.
   */
  runWorkflow(workflowId: string, opts: WorkflowRunOptions = {}): Promise<WorkflowRunResult> {
    const p = runWorkflowStream(
      { transport: this.transport, maxWaitMs: this.maxWaitMs, closeSignal: this.closeController.signal, closed: this.closing !== undefined, toError: (e, scope) => this.toError(e, scope) },
      () => streamRunRequest(workflowId, opts),
      opts,
    );
    this.track(p);
    return p;
  }

  /** POST /v1/workflow/stream_resume: answers an interrupt and reads the rest of the run (botId/appId are not sent). */
  resumeWorkflow(
    workflowId: string,
    resume: { eventId: string; resumeData: string; interruptType: number },
    opts: Omit<WorkflowRunOptions, 'parameters'> = {},
  ): Promise<WorkflowRunResult> {
    const p = runWorkflowStream(
      { transport: this.transport, maxWaitMs: this.maxWaitMs, closeSignal: this.closeController.signal, closed: this.closing !== undefined, toError: (e, scope) => this.toError(e, scope) },
      () => streamResumeRequest(workflowId, resume),
      opts,
    );
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

  /** A single call (a list, a lookup, an upload) under the caller's signal and the client's close; no overall deadline. */
  private oneOff<T>(signal: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const p = (async () => {
      if (this.closing) throw new CozeError('canceled', 'The Coze client was closed.');
      const scope = new AskScope(undefined, signal, this.closeController.signal);
      try {
        return await run(scope.signal);
      } catch (e) {
        throw this.transport.scrub(this.toError(e, scope));
      } finally {
        scope.dispose();
      }
    })();
    this.track(p);
    return p;
  }

  private async runAsk(question: string, options: AskOptions): Promise<CozeAnswer> {
    if (this.closing) throw new CozeError('canceled', 'The Coze client was closed.');
    if (typeof question !== 'string' || question.trim() === '') {
      throw new CozeError('invalid-input', 'The question is empty: nothing was sent to Coze.', { invalidOption: 'question', retryable: false });
    }
    const botId = options.botId === undefined ? this.botId : options.botId.trim();
    if (!isBotId(botId)) {
      throw new CozeError('invalid-input', 'The Coze bot id must contain only digits (e.g. 7445600453913968691).', { invalidOption: 'botId', retryable: false });
    }
    const attachments = checkAttachments(options.attachments);
    const chatflow = chatflowTarget(options);
    if (chatflow && attachments.length > 0) {
      // /v1/workflows/chat takes text messages only: files go in through the chatflow's parameters (docs: workflow_chat).
      throw invalid('attachments', 'A chatflow takes only text messages: pass files to it through its parameters, not as attachments.');
    }
    const scope = new AskScope(this.maxWaitMs, options.signal, this.closeController.signal);
    const state = new ChatState(options.conversationId || undefined);
    let markDone!: () => void;
    const done = new Promise<void>((resolve) => (markDone = resolve));
    state.onChatKnown = (conversationId, chatId) =>
      this.running.set({ conversationId, chatId, question: { done, stop: (reason) => scope.stop(reason) } });
    const ctx: FlowContext = {
      transport: this.transport,
      scope,
      state,
      question,
      botId,
      userId: this.userId,
      conversationId: options.conversationId || undefined,
      pollIntervalMs: this.pollIntervalMs,
      onProgress: options.onProgress,
      running: this.running,
      ifConversationBusy: options.ifConversationBusy === 'cancel' ? 'cancel' : 'wait',
      cancelChat: (conversationId, chatId, signal) => this.sendCancel(conversationId, chatId, signal, {}),
      notice: (key, message) => this.notice(key, message),
      attachments,
    };
    if (chatflow) ctx.chatflow = chatflow;
    let leftRunning = false;
    try {
      // /v1/workflows/chat only streams (docs/coze-api.md#chatflows): a chatflow is read as a stream in poll mode too.
      return await (options.mode === 'poll' && !chatflow ? askByPolling(ctx) : askByStreaming(ctx));
    } catch (e) {
      const err = this.transport.scrub(this.toError(e, scope));
      withContext(err, state.context());
      // A chat nobody waits for any more still runs on Coze and keeps its conversation busy (the next question
      // would get 4016): cancel it (docs/coze-api.md#cancel).
      if (state.mayBeRunning) leftRunning = !(await this.cancelQuietly(state.conversationId!, state.chatId!));
      throw err;
    } finally {
      scope.dispose();
      if (state.conversationId && state.chatId) {
        // Still running on Coze (the cancel failed): the next question in this conversation polls it (busy.ts).
        if (leftRunning && !isFinal(state.status)) this.running.set({ conversationId: state.conversationId, chatId: state.chatId });
        else this.running.delete(state.conversationId, state.chatId);
      }
      markDone();
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
   * Resolves true when the chat is known to be canceled or final.
   */
  private async cancelQuietly(conversationId: string, chatId: string): Promise<boolean> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new CozeError('timeout', 'The cancel request took too long.')),
      Math.min(CANCEL_AFTER_STOP_MAX_MS, this.transport.requestTimeoutMs),
    );
    try {
      await this.sendCancel(conversationId, chatId, deadline.signal, { maxRetries: 1 });
      return true;
    } catch {
      // Logged by the transport (onRequestLog); nothing else to do.
      return false;
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
      // 4104 (Studio: 103200005): the chat is already final — the cancel has nothing left to do.
      if (isAlreadyFinal(e)) return;
      throw e;
    }
  }

  private notice(key: string, message: string): void {
    if (this.noticed.has(key)) return;
    this.noticed.add(key);
    try {
      this.onNotice?.(this.transport.redact(message));
    } catch {
      // A throwing sink must not fail the question.
    }
  }

  private track(p: Promise<unknown>): void {
    this.outstanding.add(p);
    const done = () => this.outstanding.delete(p);
    p.then(done, done);
  }
}

/**
 * The cancel of a chat that has already ended: the cloud's 4104, or Coze Studio's HTTP 400 whose body code is 400
 * and whose msg carries its own code 103200005 (docs/coze-api.md#coze-studio).
 */
function isAlreadyFinal(e: unknown): boolean {
  if (!isCozeError(e) || e.kind !== 'api') return false;
  if (e.code === 4104) return true;
  return e.code === 400 && /\b103200005\b/.test(e.cozeMessage ?? e.message);
}

function parseBaseUrl(raw: unknown, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(typeof raw === 'string' ? raw.trim() : '');
  } catch {
    throw invalid('baseUrl', 'The Coze base URL is not a valid URL (expected e.g. https://api.coze.cn).');
  }
  if (url.protocol === 'https:') return url;
  // The token travels in a header: plain http only stays on this machine, unless the caller (for the user, who
  // listed this very host) accepts that it crosses the network in clear text.
  if (url.protocol === 'http:' && (isLoopbackHost(url.hostname) || allowInsecureHttp)) return url;
  throw invalid('baseUrl', 'The Coze base URL must use https:// (http:// is accepted only for localhost, or with allowInsecureHttp).');
}

/** AskOptions.attachments, checked: each a 'file' or 'image' with a digits-only file id. */
function checkAttachments(list: AskOptions['attachments']): CozeAttachment[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalid('attachments', 'The attachments must be a list.');
  return list.map((a: CozeAttachment) => {
    const fileId = typeof a?.fileId === 'string' ? a.fileId.trim() : '';
    if ((a?.type !== 'file' && a?.type !== 'image') || !isCozeId(fileId)) {
      throw invalid('attachments', 'An attachment must be a file or an image with the id Coze gave it on upload (digits only).');
    }
    return { type: a.type, fileId };
  });
}

/**
 * The chatflow of a question, when AskOptions.workflowId is set. bot_id is sent only when the caller gave
 * AskOptions.botId explicitly, never the client's default bot: a chatflow of an app must not carry one (Coze
 * refuses bot_id together with app_id, docs: workflow_chat).
 */
function chatflowTarget(options: AskOptions): ChatflowTarget | undefined {
  if (options.workflowId === undefined) return undefined;
  const workflowId = typeof options.workflowId === 'string' ? options.workflowId.trim() : '';
  if (!isCozeId(workflowId)) {
    throw invalid('workflowId', 'The Coze workflow id must contain only digits (the number after workflow_id= in its page address).');
  }
  const target: ChatflowTarget = { workflowId };
  if (options.botId !== undefined) target.botId = options.botId.trim();
  if (options.appId !== undefined) {
    const appId = typeof options.appId === 'string' ? options.appId.trim() : '';
    if (!isCozeId(appId)) throw invalid('appId', 'The Coze app id must contain only digits.');
    target.appId = appId;
  }
  if (options.parameters !== undefined) {
    const p = options.parameters;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw invalid('parameters', 'The chatflow parameters must be a JSON object.');
    target.parameters = p;
  }
  return target;
}

function invalid(option: CozeInvalidOption, message: string): CozeError {
  return new CozeError('invalid-input', message, { invalidOption: option, retryable: false });
}

function nonNegative(v: number | undefined, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : dflt;
}

function positive(v: number | undefined, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : dflt;
}
