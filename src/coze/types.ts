// Public types of the Coze client. Plain Node: nothing in src/coze imports 'vscode'.

import type { Dispatcher } from 'undici';

export type ResponseMode = 'poll' | 'stream';

/** Chat status exactly as Coze spells it (note: "canceled", one "l"). */
export type ChatStatus = 'created' | 'in_progress' | 'completed' | 'failed' | 'requires_action' | 'canceled';

export interface CozeClientOptions {
  /** e.g. https://api.coze.cn. http: is accepted only for loopback hosts (127.0.0.0/8, ::1, localhost). */
  baseUrl: string;
  /**
   * Accept an http: baseUrl on a host that is not loopback. The token and every question then cross the network
   * unencrypted: set it only when the user explicitly allowed plain http to that host. Default false.
   */
  allowInsecureHttp?: boolean;
  token: string;
  /** Digits only (Coze's bot ids are 19-digit numbers, sent as a string). */
  botId: string;
  userId: string;
  /** Minimum gap between the starts of any two requests, client-wide. Default 500. */
  minIntervalMs?: number;
  /**
   * Retries after the first attempt on 500/502/503/504, connection failures, busy/rate codes (4009/4013/4020),
   * and 4016 when the chat that keeps the conversation busy is not this client's. Default 5 (= 6 attempts).
   */
  maxRetries?: number;
  /** Retry n (0-based) waits at least retryBaseMs * 2^n (more when a gateway sends Retry-After), plus up to 25 % jitter, at most 30 s (src/coze/retryPolicy.ts). Default 500. */
  retryBaseMs?: number;
  /** Gap between two GET /v3/chat/retrieve calls. Default 1000 (Coze's advice; each poll is a billed call). */
  pollIntervalMs?: number;
  /** Default of the three per-request timeouts below. Default 30 000. */
  requestTimeoutMs?: number;
  /** TCP connect, proxy CONNECT and TLS handshake of one request. Default requestTimeoutMs. */
  connectTimeoutMs?: number;
  /** From the request being sent to the response headers. Default requestTimeoutMs. */
  firstByteTimeoutMs?: number;
  /**
   * Longest silence while a reply body (a JSON body or the answer stream) is arriving. A slow answer never times
   * out as long as some bytes arrive within this. Default requestTimeoutMs.
   */
  streamIdleTimeoutMs?: number;
  /** The whole question, all requests and waits included. Default 300 000. */
  maxWaitMs?: number;
  /** Route requests through a proxy. Absent: direct. */
  proxy?: CozeProxyOptions;
  /** Certificate checks, for the Coze host and an https proxy alike. */
  tls?: CozeTlsOptions;
  /** Called once per HTTP attempt, for the log. Never receives the token or proxy credentials. */
  onRequestLog?: (entry: RequestLogEntry) => void;
  /**
   * Called with an English sentence, for the log, when the client learns something about the server worth
   * telling once — e.g. that it always answers with a stream (Coze Studio before v0.5.1), so poll mode reads
   * streams there. Each notice is given at most once per client.
   */
  onNotice?: (message: string) => void;
  /**
   * Advanced: an undici 7 Dispatcher to use instead of the client's own (tests, custom networking). It cannot be
   * combined with `proxy` or `tls` (the constructor throws). The client never closes it.
   */
  dispatcher?: Dispatcher;
}

export interface CozeProxyOptions {
  /**
   * `http://[user:password@]host:port` (or https://). A value without a scheme is taken as http://. Wins over the
   * environment. Credentials go to the proxy only (Proxy-Authorization) and are never logged or shown.
   */
  url?: string;
  /**
   * Hosts reached directly, as NO_PROXY (comma or space separated, or a list): `example.com` (and its
   * subdomains), `.example.com` / `*.example.com`, `host:port`, an IP address such as `127.0.0.1`, or `*` for all.
   * Absent: NO_PROXY / no_proxy from the environment when `fromEnvironment`, else none.
   */
  noProxy?: string | readonly string[];
  /**
   * When `url` is empty: HTTPS_PROXY (for an https base URL; falls back to HTTP_PROXY) or HTTP_PROXY, and
   * NO_PROXY, lower or upper case (lower wins), read once when the client is built.
   */
  fromEnvironment?: boolean;
}

export interface CozeTlsOptions {
  /** Extra trusted CA certificates (PEM). Added to Node's bundled roots and NODE_EXTRA_CA_CERTS, not instead of them. */
  ca?: string | readonly string[];
  /**
   * Default true. false accepts any certificate (only when the user turned VS Code's http.proxyStrictSSL off);
   * it applies to Coze and to an https proxy.
   */
  rejectUnauthorized?: boolean;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query, e.g. /v3/chat/retrieve?conversation_id=..&chat_id=.. */
  path: string;
  /** HTTP status, absent when no response arrived. */
  status?: number;
  /** Coze body code, when the body was JSON and had one. */
  code?: number;
  durationMs: number;
  logId?: string;
  /** 0 for the first try, 1.. for retries. */
  attempt: number;
  /** Short description of a transport failure (no token, no body, no proxy credentials). */
  error?: string;
  /** True when another attempt follows this one. */
  willRetry?: boolean;
  /** The proxy the request went through, without credentials (e.g. http://proxy.corp:3128). Absent: direct. */
  proxy?: string;
}

export interface AskOptions {
  mode?: ResponseMode;
  /** Continue this Coze conversation (sent in the query string, never the body). */
  conversationId?: string;
  signal?: AbortSignal;
  onProgress?: (progress: AskProgress) => void;
  /**
   * Ask this bot instead of the client's `botId` (digits only). Lets one client (one pool, one rate limiter)
   * serve several bots, e.g. a chat switched to another bot while Ask Coze uses the default one.
   */
  botId?: string;
  /**
   * What to do when Coze answers 4016 (another chat still runs in this conversation):
   * - 'wait' (default): when the running chat is this client's, wait for it to end (its question's end, or
   *   GET /v3/chat/retrieve every pollIntervalMs for a chat left running), then ask; when it is not (another
   *   window, another client), retry with backoff like a busy error (maxRetries, retryBaseMs). Bounded by maxWaitMs.
   * - 'cancel': cancel this client's running chat in that conversation (its question then ends as canceled),
   *   then ask. A chat the client does not know is waited for as with 'wait'.
   */
  ifConversationBusy?: 'wait' | 'cancel';
  /**
   * Files uploaded with `uploadFile`, sent with the question as one user message of content_type
   * 'object_string' whose content is the JSON string of [{type:'text',text:question}, …{type, file_id}]
   * (docs/coze-api.md#files-and-attachments). Absent or empty: the ordinary text message, unchanged.
   */
  attachments?: readonly CozeAttachment[];
  /**
   * Talk to this chatflow (POST /v1/workflows/chat, digits only) instead of a bot: the same events, answer and
   * conversation as a bot's chat. `botId` is then sent only when given explicitly (a chatflow of a bot), and
   * `appId` for a chatflow of an app.
   */
  workflowId?: string;
  /** With `workflowId`: the app the chatflow belongs to. */
  appId?: string;
  /** With `workflowId`: the chatflow's input parameters (its start node's variables). */
  parameters?: Record<string, unknown>;
}

/** A file uploaded to Coze, as sent with a question. */
export interface CozeAttachment {
  type: 'file' | 'image';
  fileId: string;
}

export interface AskProgress {
  status: ChatStatus;
  elapsedMs: number;
  /** The answer so far (answers joined by a blank line). */
  text: string;
  /** A deep-thinking model's reasoning so far (`reasoning_content`); '' when it gave none. Never part of `text`. */
  reasoning: string;
  conversationId?: string;
  chatId?: string;
}

export interface CozeUsage {
  tokenCount: number;
  outputCount: number;
  inputCount: number;
}

export interface CozeAnswer {
  /** The answers joined by a blank line. */
  text: string;
  /** A deep-thinking model's reasoning (`reasoning_content`), '' when it gave none. Never part of `text`. */
  reasoning: string;
  answers: string[];
  followUps: string[];
  conversationId: string;
  chatId: string;
  usage?: CozeUsage;
}

/** A workspace (space) the token can see: GET /v1/workspaces. */
export interface CozeWorkspace {
  id: string;
  name: string;
}

/** A bot, as listed (GET /v1/bots) or looked up (GET /v1/bots/:id). */
export interface CozeBot {
  id: string;
  name: string;
  /** '' when the bot has none. */
  description: string;
  /** https URL of its icon, when it has one. Never loaded remotely in a webview. */
  iconUrl?: string;
}

/** POST /v1/files/upload's answer. */
export interface CozeUploadedFile {
  id: string;
  name: string;
  bytes: number;
}

export interface UploadOptions {
  signal?: AbortSignal;
  /** Bytes handed to the connection so far, of `totalBytes` (the multipart body). For a progress bar. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
}

/** Options of runWorkflow / resumeWorkflow (POST /v1/workflow/stream_run, /v1/workflow/stream_resume). */
export interface WorkflowRunOptions {
  /** The workflow's input parameters (its start node's variables). */
  parameters?: Record<string, unknown>;
  /** A workflow that uses a bot's resources runs with that bot. */
  botId?: string;
  appId?: string;
  signal?: AbortSignal;
  /** Called for every Message event, in order, as it arrives. */
  onMessage?: (message: WorkflowMessage) => void;
}

/** One `Message` event of a workflow's stream. */
export interface WorkflowMessage {
  content: string;
  /** The node that produced it (e.g. "End"), when Coze names it. */
  nodeTitle?: string;
  nodeSeqId?: string;
  /** The node has finished its output with this message. */
  nodeIsFinish?: boolean;
}

/** How a workflow's stream ended: `done`, or waiting for the user at a Question/Input node. */
export type WorkflowRunResult =
  | { status: 'done'; messages: WorkflowMessage[]; executeId?: string; debugUrl?: string }
  | { status: 'interrupted'; messages: WorkflowMessage[]; executeId?: string; debugUrl?: string; interrupt: WorkflowInterrupt };

/** An `Interrupt` event: what resumeWorkflow needs, and what to show the user. */
export interface WorkflowInterrupt {
  eventId: string;
  /** interrupt_data.type, sent back as interrupt_type. */
  type: number;
  /** What the node asks (interrupt_data.data, as text), when it says. */
  prompt?: string;
  nodeTitle?: string;
}

/**
 * - network: Coze (or the proxy) could not be reached, the connection broke, a TLS certificate is not trusted,
 *   or a gateway answered 429/5xx without a Coze body. `reason` says which.
 * - timeout: a per-request timeout (first byte, silence) or the whole question's maxWaitMs. `reason` says which.
 * - api: Coze answered with a body code (`code`, `logId`, `cozeMessage`).
 * - protocol: a reply this client cannot read.
 * - canceled, chat-failed, requires-action: how the chat ended.
 * - invalid-input: rejected before anything was sent: a constructor option (`invalidOption`), or an empty question.
 */
export type CozeErrorKind =
  | 'network'
  | 'timeout'
  | 'api'
  | 'protocol'
  | 'canceled'
  | 'chat-failed'
  | 'requires-action'
  | 'invalid-input';

/**
 * The precise cause of a 'network' or 'timeout' error, for UIs that word their own message or offer an action
 * (e.g. "open proxy settings"). The error's message already says it in English.
 */
export type CozeErrorReason =
  /** network: nothing answered at the address (or at the proxy's, see proxy-refused). */
  | 'connection-refused'
  /** network: the connection broke (before or during the reply). */
  | 'connection-reset'
  /** network: the host name (of Coze, or of the proxy) could not be resolved. */
  | 'dns'
  /** network: connect + proxy CONNECT + TLS handshake did not finish within connectTimeoutMs. */
  | 'connect-timeout'
  /** network: the proxy itself refused the TCP connection. */
  | 'proxy-refused'
  /** network: the proxy answered 407: its credentials are missing or wrong. */
  | 'proxy-auth'
  /** network: the proxy answered CONNECT with another status (e.g. 403 port not allowed, 502 Coze unreachable). */
  | 'proxy-error'
  /** network: the certificate is self-signed (or its chain ends in a self-signed root that is not trusted). */
  | 'tls-self-signed'
  /** network: the certificate's issuer is not a trusted CA (typical for HTTPS inspection by a corporate proxy). */
  | 'tls-unknown-issuer'
  /** network: the certificate is for another host name. */
  | 'tls-hostname-mismatch'
  /** network: the certificate has expired or is not valid yet. */
  | 'tls-expired'
  /** network: another certificate problem (revoked, bad signature, …). */
  | 'tls-untrusted'
  /** timeout: no response headers within firstByteTimeoutMs of sending the request. */
  | 'first-byte-timeout'
  /** timeout: a reply body (or the answer stream) went silent for streamIdleTimeoutMs. */
  | 'idle-timeout'
  /** timeout: the whole question took longer than maxWaitMs. */
  | 'max-wait';

/** For errors of kind 'invalid-input': which input is wrong. */
export type CozeInvalidOption = 'baseUrl' | 'token' | 'botId' | 'userId' | 'proxy' | 'tls' | 'dispatcher' | 'question'
  /** runWorkflow / resumeWorkflow: the workflow id, the parameters (a JSON object), the interrupt's event id. */
  | 'workflowId'
  | 'parameters'
  | 'eventId'
  /** listBots: the workspace id; ask with workflowId: the app id (digits only). */
  | 'workspaceId'
  | 'appId'
  /** uploadFile: no name, no data, empty, or over MAX_UPLOAD_BYTES. */
  | 'file'
  /** ask: an attachment that is not a file/image with a digits-only file id. */
  | 'attachments';
