// FakeCozeServer: a real HTTP(S) server on loopback speaking Coze Open API v3 chat (see docs/coze-api.md),
// scriptable in-process or over its control API (/__fake/*) for tests running in another process.

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { type BehaviorPatch, defaultBehavior, type Dialect, type FakeBehavior, mergeBehavior, validateBehaviorPatch } from './behavior';
import { ChatStore, isFinal, type ChatRecord } from './chats';
import { type Fault, FaultQueue, validateFault } from './faults';
import { SseWriter, responseWrite, writePlan } from './sse';
import { runStream } from './stream';
import type { AuthOutcome, ChatSnapshot, Endpoint, FinalStatus, RecordedRequest } from './types';
import { IdFactory, isRecord, newLogId, Timers } from './util';
import { isWorkflowStream } from './workflowBehavior';
import { botInfo, listBots, listWorkspaces } from './catalog';
import { FileStore, parseObjectString, type ContentItem, type FileInfo } from './files';
import type { ChatflowInfo } from './chats';
import { FakeWorkflows, workflowEndpoint } from './workflows';

export interface FakeCozeStartOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Serve HTTPS with this key/cert (e.g. from a test CA); `url` is then https://. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Accepted bearer tokens. Default ['pat_test_token']. */
  tokens?: string[];
  /** Accept any non-empty bearer token. */
  acceptAnyToken?: boolean;
  /** Merged into the defaults; also what resetBehavior() returns to. */
  behavior?: BehaviorPatch;
  /** Shorthand for behavior.dialect: 'studio' plays self-hosted Coze Studio (docs/coze-api.md#coze-studio). */
  dialect?: Dialect;
}

/** Coze's request body limit (docs/coze-api.md#starting-a-chat). */
const BODY_LIMIT = 15 * 1024 * 1024;
const MAX_ADDITIONAL_MESSAGES = 100;

interface ParsedBody {
  value?: unknown;
  /** True when the body is empty or valid JSON. */
  json: boolean;
  /** The bytes, for an upload (not parsed as JSON). */
  raw?: Buffer;
  /** An upload over the limit (its bytes were not kept). */
  tooLarge?: boolean;
}

export class FakeCozeServer {
  private readonly server: http.Server;
  private readonly timers = new Timers();
  private readonly ids = new IdFactory();
  private readonly store: ChatStore;
  private readonly faults = new FaultQueue();
  private readonly workflows = new FakeWorkflows(this.ids);
  private readonly fileStore = new FileStore(this.ids);
  private readonly recorded: RecordedRequest[] = [];
  private readonly sockets = new Set<Socket>();
  /** API responses not finished yet (streams, hangs, latency waits): reset() and close() cut them. */
  private readonly inflight = new Set<http.ServerResponse>();
  private readonly tokens: Set<string>;
  private readonly acceptAnyToken: boolean;
  private readonly startBehavior: FakeBehavior;
  private behavior: FakeBehavior;
  private baseUrl = '';
  private closing?: Promise<void>;

  private constructor(options: FakeCozeStartOptions) {
    const problem = options.behavior ? validateBehaviorPatch(options.behavior) : undefined;
    if (problem) throw new TypeError(`FakeCozeServer: ${problem}`);
    if (options.dialect !== undefined && options.dialect !== 'cloud' && options.dialect !== 'studio') {
      throw new TypeError(`FakeCozeServer: unknown dialect ${JSON.stringify(options.dialect)}`);
    }
    this.startBehavior = mergeBehavior(defaultBehavior(), { ...options.behavior, ...(options.dialect ? { dialect: options.dialect } : {}) });
    this.behavior = mergeBehavior(this.startBehavior, {});
    this.tokens = new Set(options.tokens ?? ['pat_test_token']);
    this.acceptAnyToken = options.acceptAnyToken ?? false;
    this.store = new ChatStore(this.ids, this.timers);
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.onRequest(req, res);
    this.server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
    // 'connection' gives the raw TCP socket for https too: destroying it kills the TLS session as well.
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeCozeStartOptions = {}): Promise<FakeCozeServer> {
    const fake = new FakeCozeServer(options);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(options.port ?? 0, host, () => {
        fake.server.off('error', reject);
        resolve();
      });
    });
    const { port } = fake.server.address() as AddressInfo;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    fake.baseUrl = `${options.tls ? 'https' : 'http'}://${shownHost}:${port}`;
    return fake;
  }

  /** e.g. http://127.0.0.1:43123 (no trailing slash). */
  get url(): string {
    return this.baseUrl;
  }

  /** Every API request so far (live array; control-API calls are not recorded). */
  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  /** Files uploaded so far (POST /v1/files/upload), without their bytes; also GET /__fake/files. */
  get files(): FileInfo[] {
    return this.fileStore.list();
  }

  /** The bytes of an uploaded file, as the server received them. */
  fileBytes(fileId: string): Buffer | undefined {
    return this.fileStore.get(fileId)?.data;
  }

  get chats(): ChatSnapshot[] {
    return this.store.all().map((c) => this.store.snapshot(c));
  }

  chat(chatId: string): ChatSnapshot | undefined {
    const chat = this.store.get(chatId);
    return chat && this.store.snapshot(chat);
  }

  /**
   * Ends a chat's run now, as its scheduled completion would (completed, or the status given). For tests that
   * must see a chat in progress for as long as they need, whatever the machine's load: they start it with a long
   * completeAfterMs and finish it when they are done looking. A chat already final stays as it is.
   */
  finishChat(chatId: string, status?: FinalStatus): void {
    const chat = this.store.get(chatId);
    if (!chat) throw new Error(`FakeCozeServer.finishChat: no chat ${chatId}`);
    this.store.finish(chat, status);
  }

  /** The current behavior (a copy). */
  getBehavior(): FakeBehavior {
    return structuredClone(this.behavior);
  }

  /** Merges a patch into the current behavior. Chats already created keep the behavior they started with. */
  setBehavior(patch: BehaviorPatch): void {
    const problem = validateBehaviorPatch(patch);
    if (problem) throw new TypeError(`FakeCozeServer.setBehavior: ${problem}`);
    this.behavior = mergeBehavior(this.behavior, patch);
  }

  /** Back to the behavior given to start() (defaults merged with options.behavior). */
  resetBehavior(): void {
    this.behavior = mergeBehavior(this.startBehavior, {});
  }

  addFault(fault: Fault): void {
    const problem = validateFault(fault);
    if (problem) throw new TypeError(`FakeCozeServer.addFault: ${problem}`);
    this.faults.add(fault);
  }

  /** Behavior, recorded requests, chats, queued faults; also cuts unfinished API responses (streams, hangs). */
  reset(): void {
    for (const res of this.inflight) res.destroy();
    this.inflight.clear();
    this.timers.clearAll();
    this.store.clear();
    this.workflows.clear();
    this.fileStore.clear();
    this.faults.clear();
    this.recorded.length = 0;
    this.resetBehavior();
  }

  /** Sockets currently open (keep-alive ones included): 0 after close() means nothing leaked. */
  openConnections(): number {
    return this.sockets.size;
  }

  /** Stops listening, clears every timer and destroys every socket (hung requests and open streams included). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.timers.close();
      const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
      // Wait for every socket's own 'close' too: the server may report closed before our listeners have run.
      const gone = [...this.sockets].map((socket) =>
        socket.closed ? Promise.resolve() : new Promise<void>((resolve) => socket.once('close', () => resolve())),
      );
      for (const socket of this.sockets) socket.destroy();
      this.server.closeAllConnections();
      await Promise.all([stopped, ...gone]);
      this.sockets.clear();
    })();
    return this.closing;
  }

  // ---- request handling ----

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.handle(req, res).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      const body = JSON.stringify({ error: `fake-coze internal error: ${String(err)}` });
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end(body);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-coze.invalid');
    if (url.pathname.startsWith('/__fake/')) return this.handleControl(req, res, url);

    this.inflight.add(res);
    res.on('close', () => this.inflight.delete(res));
    const rec = this.record(req, url);
    const upload = rec.endpoint === 'upload';
    // A slow uplink: stop reading the upload for a while after its first chunk (the client's writes then block).
    const stall = upload && this.behavior.uploadStallMs > 0 ? (r: http.IncomingMessage) => this.stall(r, this.behavior.uploadStallMs) : undefined;
    const body = await readBody(req, upload ? this.behavior.maxUploadBytes : BODY_LIMIT, upload, stall);
    if (body === undefined) return; // the client left while sending
    if (body.value !== undefined) rec.body = body.value;
    rec.stream = rec.endpoint === 'chat' && isRecord(body.value) && this.streams(body.value.stream);
    if (isWorkflowStream(rec.endpoint)) rec.stream = true;
    // /v1/workflows/chat only streams (docs/coze-api.md#chatflows).
    if (rec.endpoint === 'chatflow') rec.stream = true;

    // Faults stand for gateways and networks: they act before Coze's own auth and validation.
    const fault = this.faults.take('request', rec.endpoint, rec.stream);
    if (fault) rec.fault = fault.kind;
    if (this.behavior.latencyMs > 0) await this.timers.sleep(this.behavior.latencyMs);
    if (res.destroyed) return;
    if (fault) return this.applyRequestFault(fault, req, res, rec);

    if (rec.endpoint === 'other') {
      if (this.studio) return this.sendJson(res, rec, 404, { code: 404, msg: 'not found' });
      return this.fail(res, rec, 4200, `not found: ${req.method ?? ''} ${url.pathname}`, 404);
    }
    rec.auth = this.authenticate(req);
    // Studio answers a missing or wrong key with HTTP 200 and its own code, JSON even for a stream request.
    if (this.studio && rec.auth !== 'ok' && rec.auth !== 'forbidden') {
      return this.sendJson(res, rec, 200, { code: 700012006, msg: 'authentication failed: the API key is missing or invalid' });
    }
    // Trap (docs/coze-api.md#http-status-and-body-code-disagree): auth errors come as HTTP 401 + {"code":4100}.
    // 4101 comes with HTTP 200 here, so a client that trusts the HTTP status instead of the body code is caught.
    if (rec.auth === 'missing' || rec.auth === 'invalid') return this.fail(res, rec, 4100, 'authentication is invalid', 401);
    if (rec.auth === 'expired') return this.fail(res, rec, 4100, 'authentication is invalid: the access token has expired', 401);
    if (rec.auth === 'forbidden') {
      return this.fail(res, rec, 4101, 'The token you entered does not have permission for this operation. Check the token scope and region.');
    }

    switch (rec.endpoint) {
      case 'chat':
        return this.handleChat(res, rec, url, body);
      case 'retrieve':
        return this.withChat(res, rec, url.searchParams.get('conversation_id'), url.searchParams.get('chat_id'), (chat) =>
          this.ok(res, rec, this.store.chatJson(chat)),
        );
      case 'list':
        return this.withChat(res, rec, url.searchParams.get('conversation_id'), url.searchParams.get('chat_id'), (chat) =>
          this.ok(res, rec, this.store.listMessages(chat)),
        );
      case 'cancel':
        return this.handleCancel(res, rec, body);
      case 'chatflow':
        return this.handleChat(res, rec, url, body, true);
      case 'workspaces':
      case 'bots':
      case 'bot':
        return this.handleCatalog(res, rec, url);
      case 'upload':
        return this.handleUpload(req, res, rec, body);
      case 'workflowRun':
      case 'workflowStream':
      case 'workflowResume':
        return this.workflows.handle(res, rec, body.json ? body.value : undefined, {
          behavior: this.behavior,
          timers: this.timers,
          sendJson: (status, payload) => this.sendJson(res, rec, status, payload),
          logidHeader: () => this.logidHeader(),
          takeStreamFault: () => this.faults.take('stream', rec.endpoint, true),
        });
    }
  }

  private record(req: http.IncomingMessage, url: URL): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      startedAt: performance.now(),
      endpoint: classify(req.method ?? 'GET', url.pathname, this.behavior),
      stream: false,
      hasAuthorization: headers.authorization !== undefined,
    };
    this.recorded.push(rec);
    return rec;
  }

  private authenticate(req: http.IncomingMessage): AuthOutcome {
    const header = req.headers.authorization;
    if (!header) return 'missing';
    const match = /^Bearer +(\S+) *$/i.exec(header);
    const token = match?.[1];
    if (!token) return 'invalid';
    if (this.behavior.expiredTokens.includes(token)) return 'expired';
    if (this.behavior.forbiddenTokens.includes(token)) return 'forbidden';
    return this.acceptAnyToken || this.tokens.has(token) ? 'ok' : 'invalid';
  }

  /**
   * POST /v3/chat, and POST /v1/workflows/chat (`chatflow`, docs/coze-api.md#chatflows): the same events, but
   * workflow_id required, bot_id / app_id optional (not both), no user_id, conversation_id in the BODY, stream only.
   */
  private handleChat(res: http.ServerResponse, rec: RecordedRequest, url: URL, body: ParsedBody, chatflow = false): void {
    const b = body.value;
    if (!body.json || !isRecord(b)) return this.fail(res, rec, 4000, 'invalid request: the body is not a valid json or chat request');
    let flow: ChatflowInfo | undefined;
    if (chatflow) {
      if (typeof b.workflow_id !== 'string' || !/^\d+$/.test(b.workflow_id)) return this.fail(res, rec, 4000, 'invalid parameter: workflow_id must be a string of digits');
      if (b.bot_id !== undefined && b.app_id !== undefined) return this.fail(res, rec, 4000, 'invalid parameter: give bot_id or app_id, not both');
      if (b.app_id !== undefined && typeof b.app_id !== 'string') return this.fail(res, rec, 4000, 'invalid parameter: app_id must be a string');
      if (b.parameters !== undefined && !isRecord(b.parameters)) return this.fail(res, rec, 4000, 'invalid parameter: parameters must be an object');
      flow = { workflowId: b.workflow_id };
      if (isRecord(b.parameters)) flow.parameters = b.parameters;
      if (typeof b.app_id === 'string') flow.appId = b.app_id;
    } else if (b.conversation_id !== undefined) {
      // Trap: conversation_id belongs in the query string. Coze ignores it in the body; so do we, but we note it.
      rec.conversationIdInBody = b.conversation_id;
    }
    if (chatflow ? b.bot_id !== undefined && (typeof b.bot_id !== 'string' || b.bot_id === '') : typeof b.bot_id !== 'string' || b.bot_id === '') {
      return this.fail(res, rec, 4000, 'invalid request: bot_id must be a non-empty string');
    }
    const botId = typeof b.bot_id === 'string' ? b.bot_id : '';
    if (botId !== '' && this.behavior.unpublishedBotIds.includes(botId)) {
      // Studio finds this once the run starts: an `error` event with its run-error code on an event stream.
      if (this.studio && rec.stream) return this.studioStreamError(res, rec, 103100001, `agent ${botId} is not published to the API connector`);
      if (this.studio) return this.fail(res, rec, 103100002, `agent ${botId} is not published to the API connector`);
      return this.fail(
        res,
        rec,
        4015,
        `The bot_id ${botId} has not been published to the channel Agent As API. Publish the bot to the API channel and try again.`,
      );
    }
    if (botId !== '' && !/^\d+$/.test(botId)) return this.fail(res, rec, 4006, 'invalid bot_id: the bot does not exist');
    if (!chatflow && (typeof b.user_id !== 'string' || b.user_id === '')) {
      return this.fail(res, rec, 4000, 'invalid request: user_id must be a non-empty string');
    }
    const messages = b.additional_messages ?? [];
    if (!Array.isArray(messages) || !messages.every((m) => isRecord(m) && typeof m.role === 'string')) {
      return this.fail(res, rec, 4000, 'invalid request: additional_messages must be an array of messages');
    }
    if (messages.length > MAX_ADDITIONAL_MESSAGES) return this.fail(res, rec, 4004, 'additional_messages exceeds the limit of 100 items');
    // A chatflow takes at most 50 messages (docs: workflow_chat).
    if (chatflow && messages.length > 50) return this.fail(res, rec, 4000, 'invalid parameter: additional_messages exceeds the limit of 50 items');
    const metaData = b.meta_data ?? {};
    if (!isValidMetaData(metaData)) return this.fail(res, rec, 4003, 'meta_data exceeds the limit (16 pairs, key ≤ 64, value ≤ 512 chars)');
    const stream = rec.stream;
    if (!stream && b.auto_save_history === false) {
      return this.fail(res, rec, 4007, 'auto_save_history must be true when stream is false');
    }

    const conversationId = chatflow ? (typeof b.conversation_id === 'string' ? b.conversation_id : null) : url.searchParams.get('conversation_id');
    let conversation = conversationId ? this.store.conversation(conversationId) : undefined;
    // Studio starts a new conversation for an unknown conversation_id, silently (docs/coze-api.md#coze-studio).
    if (conversationId && !conversation && !this.studio) return this.fail(res, rec, 4002, 'invalid conversation: conversation_id not found');
    if (conversation && this.store.isBusy(conversation)) {
      return this.fail(res, rec, 4016, 'Conversation occupied: another chat in this conversation is still in progress. Wait for it to finish or cancel it.');
    }
    conversation ??= this.store.createConversation();

    // The question is the last user message (history comes first, chronologically).
    const last = [...messages].reverse().find((m) => isRecord(m) && m.role === 'user') as Record<string, unknown> | undefined;
    let question = typeof last?.content === 'string' ? last.content : last ? JSON.stringify(last.content ?? '') : '';
    let contentItems: ContentItem[] | undefined;
    for (const m of messages as Array<Record<string, unknown>>) {
      if (m.content_type !== 'object_string') continue;
      // A chatflow's messages are text only; files go in through its parameters (docs: workflow_chat).
      if (chatflow) return this.fail(res, rec, 4000, 'invalid parameter: a chatflow message must be text (content_type text)');
      const parsed = parseObjectString(m.content, (id) => this.fileStore.get(id) !== undefined);
      // Studio silently drops object_string content it can't read (docs/coze-api.md#coze-studio); the cloud refuses it.
      if (!parsed.ok && !this.studio) return this.fail(res, rec, 4000, `invalid parameter: ${parsed.msg}`);
      if (m === last) {
        contentItems = parsed.ok ? parsed.items : [];
        question = contentItems.find((i) => i.type === 'text')?.text ?? '';
      }
    }
    const chat = this.store.create({
      conversation,
      botId,
      userId: typeof b.user_id === 'string' ? b.user_id : '',
      question,
      stream,
      behavior: structuredClone(this.behavior),
      metaData,
      ...(chatflow ? {} : { conversationIdInBody: b.conversation_id }),
      ...(contentItems ? { contentItems } : {}),
      ...(flow ? { chatflow: flow } : {}),
    });
    rec.chatId = chat.id;
    if (stream) return this.startStream(res, rec, chat);
    this.store.scheduleCompletion(chat, chat.behavior.completeAfterMs);
    // Studio answers as soon as the chat exists (status created); the cloud's reply already says in_progress.
    if (this.studio) {
      this.ok(res, rec, this.store.chatJson(chat));
      this.store.setInProgress(chat);
      return;
    }
    this.store.setInProgress(chat);
    this.ok(res, rec, this.store.chatJson(chat));
  }

  private get studio(): boolean {
    return this.behavior.dialect === 'studio';
  }

  /** Whether a /v3/chat body's `stream` asks for SSE: the cloud's default is false, Studio's true. */
  private streams(value: unknown): boolean {
    if (!this.studio) return value === true;
    return this.behavior.streamsAlways || value !== false;
  }

  /** The logid header of an API reply: x-tt-logid (cloud) or X-Log-ID, a UUID (Studio, docs/coze-api.md#responses-and-logid). */
  private logidHeader(): { name: string; value: string } {
    return this.studio ? { name: 'X-Log-ID', value: randomUUID() } : { name: 'x-tt-logid', value: newLogId() };
  }

  /** Studio's answer to a stream request that fails after authentication: an `error` event on HTTP 200, then the end. */
  private studioStreamError(res: http.ServerResponse, rec: RecordedRequest, code: number, msg: string): void {
    const log = this.logidHeader();
    rec.status = 200;
    rec.logid = log.value;
    res
      .writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', [log.name]: log.value })
      .end(`event:error\ndata:${JSON.stringify({ code, msg })}\n\n`);
  }

  private startStream(res: http.ServerResponse, rec: RecordedRequest, chat: ChatRecord): void {
    const log = this.logidHeader();
    rec.status = 200;
    rec.logid = log.value;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', [log.name]: log.value });
    res.flushHeaders();
    const fault = this.faults.take('stream', rec.endpoint, true);
    if (fault) rec.fault = fault.kind;
    let gone = false;
    res.on('close', () => {
      gone = true;
      // The client left (or the connection broke) before the end: stop writing, and let the run finish on the
      // server's clock, as Coze does; a canceled or finished chat stays as it is.
      if (!isFinal(chat.status) && this.store.get(chat.id) === chat) {
        chat.clientDisconnected = !res.writableFinished;
        this.store.scheduleCompletion(chat, chat.behavior.completeAfterMs);
      }
    });
    const raw = responseWrite(res, () => gone);
    const plan = writePlan(fault, chat.behavior.chunking, chat.behavior.seed);
    void runStream(chat, this.store, {
      writer: new SseWriter(raw, plan, this.timers),
      timers: this.timers,
      alive: () => !gone,
      destroy: () => resetSocket(res.socket),
      end: () => res.end(),
    }, fault);
  }

  private stall(req: http.IncomingMessage, ms: number): void {
    req.pause();
    this.timers.set(() => req.resume(), ms);
  }

  /** GET /v1/workspaces, GET /v1/bots, GET /v1/bots/:id (catalog.ts). Studio has only the lookup. */
  private handleCatalog(res: http.ServerResponse, rec: RecordedRequest, url: URL): void {
    if (rec.endpoint === 'bot') {
      const botId = url.pathname.slice('/v1/bots/'.length);
      if (!/^\d+$/.test(botId)) return this.fail(res, rec, 4000, 'invalid parameter: bot_id must be digits');
      const info = botInfo(this.behavior, botId);
      if (!info) return this.fail(res, rec, 4200, `bot ${botId} not found`);
      return this.ok(res, rec, info);
    }
    if (rec.endpoint === 'bots' && this.behavior.botListDenied !== undefined) {
      return this.fail(res, rec, this.behavior.botListDenied, 'The token you entered does not have permission for this operation (listBot). Check the token scope and region.');
    }
    const reply = rec.endpoint === 'workspaces' ? listWorkspaces(this.behavior, url.searchParams) : listBots(this.behavior, url.searchParams);
    if (!reply.ok) return this.fail(res, rec, reply.code, reply.msg);
    this.ok(res, rec, reply.data);
  }

  /** POST /v1/files/upload (files.ts). The cloud answers {id, bytes, created_at, file_name}; Studio adds uri/url and spells CreatedAt. */
  private async handleUpload(req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedRequest, body: ParsedBody): Promise<void> {
    if (body.tooLarge) return this.fail(res, rec, 4000, `invalid parameter: the file exceeds the size limit of ${this.behavior.maxUploadBytes} bytes`);
    const outcome = await this.fileStore.upload(req.headers['content-type'], body.raw ?? Buffer.alloc(0), this.behavior.maxUploadBytes);
    if (!outcome.ok) return this.fail(res, rec, outcome.code, outcome.msg);
    const f = outcome.file;
    rec.body = { file: { name: f.name, bytes: f.bytes, sha256: f.sha256, contentType: f.contentType } };
    if (this.studio) {
      return this.ok(res, rec, { id: f.id, uri: `BIZ_BOT_DATASET/${f.id}`, url: `${this.baseUrl}/files/${f.id}`, bytes: f.bytes, file_name: f.name, CreatedAt: f.createdAt });
    }
    this.ok(res, rec, { id: f.id, bytes: f.bytes, created_at: f.createdAt, file_name: f.name });
  }

  private handleCancel(res: http.ServerResponse, rec: RecordedRequest, body: ParsedBody): void {
    const b = body.value;
    if (!body.json || !isRecord(b)) return this.fail(res, rec, 4000, 'invalid request: the body is not valid json');
    const conversationId = typeof b.conversation_id === 'string' ? b.conversation_id : null;
    const chatId = typeof b.chat_id === 'string' ? b.chat_id : null;
    this.withChat(res, rec, conversationId, chatId, (chat) => {
      if (this.store.cancel(chat) === 'final') {
        // Studio: HTTP 400, its generic code 400, and its own code only inside msg (docs/coze-api.md#coze-studio).
        if (this.studio) {
          return this.sendJson(res, rec, 400, {
            code: 400,
            msg: 'code=103200005 message=in progress can not be cancelled\nstack=conversation/agentrun.(*AgentRunImpl).Cancel',
          });
        }
        return this.fail(res, rec, 4104, `The chat cannot be canceled: it has already ended (status ${chat.status}).`);
      }
      this.ok(res, rec, this.store.chatJson(chat));
    });
  }

  /** Looks the chat up by both ids: missing ids → 4000, unknown chat (or chat of another conversation) → 4200. */
  private withChat(
    res: http.ServerResponse,
    rec: RecordedRequest,
    conversationId: string | null,
    chatId: string | null,
    then: (chat: ChatRecord) => void,
  ): void {
    if (!conversationId || !chatId) return this.fail(res, rec, 4000, 'invalid request: conversation_id and chat_id are required');
    rec.chatId = chatId;
    const chat = this.store.find(conversationId, chatId);
    if (!chat) return this.fail(res, rec, 4200, 'chat not found');
    then(chat);
  }

  private applyRequestFault(fault: Fault, req: http.IncomingMessage, res: http.ServerResponse, rec: RecordedRequest): void {
    switch (fault.kind) {
      case 'reset':
        return resetSocket(req.socket);
      case 'hang':
        return; // Never answered: close() or reset() destroys the socket.
      case 'json-error-for-stream':
        return this.sendJson(res, rec, fault.status ?? 200, { code: fault.code, msg: fault.msg });
      case 'http':
        break;
      default:
        return; // stream-phase kinds are never taken here
    }
    const { status, body } = fault;
    rec.status = status;
    if (body === 'html') {
      // A gateway's page: HTML, no logid (gateways don't add one).
      const text = nginxPage(status);
      res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(text), server: 'nginx' }).end(text);
    } else if (body === 'empty') {
      res.writeHead(status, { 'content-length': 0 }).end();
    } else if (body === 'text') {
      const log = this.logidHeader();
      rec.logid = log.value;
      const text = `${http.STATUS_CODES[status] ?? 'error'}: retrieve chat failed`;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), [log.name]: log.value }).end(text);
    } else if (body === 'truncated-json') {
      const logid = newLogId();
      rec.logid = logid;
      const full = JSON.stringify({ code: 0, msg: '', data: { id: this.ids.id(), conversation_id: this.ids.id(), status: 'in_progress' }, detail: { logid } });
      const text = full.slice(0, Math.floor(full.length / 2));
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'x-tt-logid': logid }).end(text);
    } else {
      this.sendJson(res, rec, status, { code: body.code, msg: body.msg });
    }
  }

  // ---- responses ----

  /**
   * A JSON answer. Cloud: x-tt-logid header and the same value in detail.logid. Studio: an X-Log-ID header and no
   * `detail`. The payload is sent as given (Studio's replies differ in shape, see ok()).
   */
  private sendJson(res: http.ServerResponse, rec: RecordedRequest, status: number, payload: Record<string, unknown>): void {
    if (res.destroyed) return;
    const log = this.logidHeader();
    const text = JSON.stringify(this.studio ? payload : { ...payload, detail: { logid: log.value } });
    rec.status = status;
    if (typeof payload.code === 'number') rec.code = payload.code;
    rec.logid = log.value;
    res
      .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), [log.name]: log.value })
      .end(text);
  }

  /**
   * A success. Studio's shapes (docs/coze-api.md#coze-studio): message/list puts the list under `Messages`; cancel
   * answers `{"ChatV3ChatDetail":…,"BaseResp":null}` without code or data; retrieve has no BaseResp.
   */
  private ok(res: http.ServerResponse, rec: RecordedRequest, data: unknown): void {
    if (!this.studio) return this.sendJson(res, rec, 200, { code: 0, msg: '', data });
    switch (rec.endpoint) {
      case 'list':
        return this.sendJson(res, rec, 200, { Messages: data, code: 0, msg: '', BaseResp: null });
      case 'cancel':
        return this.sendJson(res, rec, 200, { ChatV3ChatDetail: data, BaseResp: null });
      case 'retrieve':
        return this.sendJson(res, rec, 200, { data, code: 0, msg: '' });
      default:
        return this.sendJson(res, rec, 200, { data, code: 0, msg: '', BaseResp: null });
    }
  }

  /**
   * Business errors come with HTTP 200 unless told otherwise (docs/coze-api.md#http-status-and-body-code-disagree).
   * Studio: /v3/chat and cancel answer HTTP 400 with code 400 and the real code inside msg (a stream request gets
   * an `error` event instead, once past parameter binding); retrieve answers HTTP 500 with plain text;
   * message/list HTTP 200 with the code.
   */
  private fail(res: http.ServerResponse, rec: RecordedRequest, code: number, msg: string, status = 200): void {
    if (!this.studio) return this.sendJson(res, rec, status, { code, msg });
    switch (rec.endpoint) {
      case 'retrieve': {
        const log = this.logidHeader();
        const text = `code=${code} message=${msg}`;
        rec.status = 500;
        rec.logid = log.value;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), [log.name]: log.value }).end(text);
        return;
      }
      case 'list':
        return this.sendJson(res, rec, 200, { code, msg });
      case 'bot':
      case 'upload':
        // Studio's business errors: HTTP 200 with its code (backend/api/internal/httputil/error_resp.go).
        return this.sendJson(res, rec, 200, { code, msg });
      case 'chat':
      case 'chatflow':
        if (rec.stream && code !== 4000) return this.studioStreamError(res, rec, code, msg);
        return this.sendJson(res, rec, 400, { code: 400, msg: `code=${code} message=${msg}` });
      default:
        return this.sendJson(res, rec, 400, { code: 400, msg: `code=${code} message=${msg}` });
    }
  }

  // ---- control API (no auth, no logid, not recorded) ----

  private async handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return;
    const reply = (status: number, value: unknown): void => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
    };
    if (!body.json) return reply(400, { error: 'body must be JSON' });
    switch (`${req.method ?? ''} ${url.pathname}`) {
      case 'POST /__fake/behavior': {
        const problem = validateBehaviorPatch(body.value ?? {});
        if (problem) return reply(400, { error: problem });
        this.setBehavior((body.value ?? {}) as BehaviorPatch);
        return reply(200, { ok: true, behavior: this.behavior });
      }
      case 'GET /__fake/behavior':
        return reply(200, this.behavior);
      case 'POST /__fake/faults': {
        const list: unknown[] = Array.isArray(body.value) ? body.value : [body.value];
        for (const f of list) {
          const problem = validateFault(f);
          if (problem) return reply(400, { error: problem });
        }
        for (const f of list) this.faults.add(f as Fault);
        return reply(200, { ok: true, queued: list.length });
      }
      case 'POST /__fake/reset':
        this.reset();
        return reply(200, { ok: true });
      case 'GET /__fake/requests':
        return reply(200, this.recorded.map(redact));
      case 'GET /__fake/chats':
        return reply(200, this.chats);
      case 'GET /__fake/files':
        return reply(200, this.files);
      default:
        return reply(404, { error: `unknown control endpoint ${req.method ?? ''} ${url.pathname}` });
    }
  }
}

function classify(method: string, path: string, behavior: FakeBehavior): Endpoint {
  // Studio registers retrieve and message/list for GET only, and before v0.5.1 not at all.
  const studio = behavior.dialect === 'studio';
  if (studio && behavior.streamsAlways && (path === '/v3/chat/retrieve' || path === '/v3/chat/message/list')) return 'other';
  const readable = method === 'GET' || (method === 'POST' && !studio);
  if (path === '/v3/chat' && method === 'POST') return 'chat';
  // The docs say GET; coze-js and coze-py send POST with the same query: accept both.
  if (path === '/v3/chat/retrieve' && readable) return 'retrieve';
  if (path === '/v3/chat/message/list' && readable) return 'list';
  if (path === '/v3/chat/cancel' && method === 'POST') return 'cancel';
  const workflow = workflowEndpoint(method, path);
  if (workflow) return workflow;
  if (path === '/v1/workflows/chat' && method === 'POST') return 'chatflow';
  if (path === '/v1/files/upload' && method === 'POST') return 'upload';
  if (method === 'GET' && /^\/v1\/bots\/[^/]+$/.test(path)) return 'bot';
  // Studio has no workspace or bot list (docs/coze-api.md#workspaces-and-bots): 404 like any unknown path.
  if (method === 'GET' && path === '/v1/workspaces' && !studio) return 'workspaces';
  if (method === 'GET' && path === '/v1/bots' && !studio) return 'bots';
  return 'other';
}

/** Reads the whole body. undefined when the client went away first. */
function readBody(
  req: http.IncomingMessage,
  limit = BODY_LIMIT,
  raw = false,
  onFirstChunk?: (req: http.IncomingMessage) => void,
): Promise<ParsedBody | undefined> {
  // An upload's limit is the file's: leave room for the multipart framing around it.
  const max = raw ? limit + 64 * 1024 : limit;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size === 0) onFirstChunk?.(req);
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => {
      if (raw) return resolve(size > max ? { json: false, tooLarge: true } : { json: false, raw: Buffer.concat(chunks) });
      const text = Buffer.concat(chunks).toString('utf8');
      if (size > BODY_LIMIT) return resolve({ value: `<${size} bytes: over the 15 MB limit>`, json: false });
      if (text.length === 0) return resolve({ json: true });
      try {
        resolve({ value: JSON.parse(text) as unknown, json: true });
      } catch {
        resolve({ value: text, json: false });
      }
    });
    req.on('error', () => resolve(undefined));
    req.on('close', () => {
      if (!req.complete) resolve(undefined);
    });
  });
}

function isValidMetaData(v: unknown): v is Record<string, string> {
  if (!isRecord(v)) return false;
  const entries = Object.entries(v);
  return entries.length <= 16 && entries.every(([k, x]) => k.length <= 64 && typeof x === 'string' && x.length <= 512);
}

/** A TCP RST when possible (the client sees ECONNRESET); TLS sockets can't do that and are just destroyed. */
function resetSocket(socket: Socket | null): void {
  if (!socket) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

function nginxPage(status: number): string {
  const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** Control API copy of a request: the Authorization value never leaves the process. */
function redact(rec: RecordedRequest): RecordedRequest {
  const headers = { ...rec.headers };
  if (headers.authorization !== undefined) headers.authorization = '[redacted]';
  return { ...rec, headers };
}
